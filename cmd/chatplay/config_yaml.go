package main

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// decodeYAML decodes a config file into cfg. It walks the YAML document along
// Config's keys itself, rather than letting the YAML library fill the struct,
// so that every error speaks of what the file says: the line, the key and its
// environment variable (never a Go type), the closest key to a misspelt one.
// Values are parsed as their environment variables are (setField). Every
// error in the file is reported, not only the first. A secret in the file is
// refused.
func decodeYAML(data []byte, cfg *Config) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 { // an empty file, or comments only
		return nil
	}
	var errs []error
	decodeSection(doc.Content[0], reflect.ValueOf(cfg).Elem(), "", &errs)
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return refuseSecrets(reflect.ValueOf(cfg).Elem(), "")
}

// decodeSection decodes the mapping n into the struct v, the section at path
// ("" for the top).
func decodeSection(n *yaml.Node, v reflect.Value, path string, errs *[]error) {
	n = resolveAlias(n)
	if n.Tag == "!!null" {
		return // "server:" with nothing under it
	}
	if n.Kind != yaml.MappingNode {
		what := path
		if what == "" {
			what = "the file"
		}
		*errs = append(*errs, fmt.Errorf("line %d: %s must be a section of keys (key: value, one per line)", n.Line, what))
		return
	}
	t := v.Type()
	seen := map[string]int{} // key → its line
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key := joinKey(path, k.Value)
		if first, ok := seen[k.Value]; ok {
			*errs = append(*errs, fmt.Errorf("line %d: %s is set twice (first on line %d)", k.Line, key, first))
			continue
		}
		seen[k.Value] = k.Line
		field, ok := fieldByKey(t, k.Value)
		if !ok {
			*errs = append(*errs, fmt.Errorf("line %d: unknown key %s%s", k.Line, key, suggestKey(path, k.Value)))
			continue
		}
		fv := v.FieldByIndex(field.Index)
		if field.Type.Kind() == reflect.Struct {
			decodeSection(val, fv, key, errs)
			continue
		}
		if err := decodeValue(val, fv); err != nil {
			*errs = append(*errs, fmt.Errorf("line %d: %s (%s): %w", val.Line, key, envName("CHATPLAY", key), err))
		}
	}
}

// decodeValue decodes the value n of one key into v. A null value ("key:"
// with nothing after it) leaves the default, or empties a list.
func decodeValue(n *yaml.Node, v reflect.Value) error {
	n = resolveAlias(n)
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		if v.Kind() == reflect.Slice {
			v.Set(reflect.Zero(v.Type()))
		}
		return nil
	case n.Kind == yaml.ScalarNode:
		return setField(v, n.Value)
	case n.Kind == yaml.SequenceNode && v.Kind() == reflect.Slice:
		items := []string{}
		for _, item := range n.Content {
			if item = resolveAlias(item); item.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: must be a list of single values, e.g. [a, b]", item.Line)
			}
			items = append(items, item.Value)
		}
		v.Set(reflect.ValueOf(items))
		return nil
	case n.Kind == yaml.SequenceNode:
		return errors.New("must be a single value, not a list")
	case v.Kind() == reflect.Slice:
		return errors.New("must be a list, e.g. [a, b]")
	default:
		return errors.New("must be a single value, not a section")
	}
}

// resolveAlias returns the node an alias (*name) stands for.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// fieldByKey returns the field of the struct type t whose YAML key is key.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		if yamlKey(t.Field(i)) == key {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}

// joinKey returns the dotted key of name in section path.
func joinKey(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
