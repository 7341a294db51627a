package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// replica is a `chatplay serve` process of the built binary.
type replica struct {
	served
	cmd    *exec.Cmd
	exited chan struct{}
}

// buildBinary builds chatplay into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "chatplay")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startReplica starts bin serve with vars, on a port of its own, and returns
// once it answers GET /healthz; it is stopped (SIGTERM) at the end of the test.
func startReplica(t *testing.T, bin string, vars map[string]string) *replica {
	t.Helper()
	r := &replica{served: served{logs: &syncBuffer{}}, exited: make(chan struct{})} // addr: the one it logs
	r.cmd = exec.Command(bin, "serve")
	r.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "CHATPLAY_SERVER_ADDR=" + anyAddr}
	for k, v := range vars {
		r.cmd.Env = append(r.cmd.Env, k+"="+v)
	}
	r.cmd.Dir = t.TempDir() // no config.yaml there
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = r.cmd.Wait(); close(r.exited) }()
	t.Cleanup(func() {
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.exited:
		case <-time.After(15 * time.Second):
			_ = r.cmd.Process.Kill()
			<-r.exited
		}
		if t.Failed() {
			t.Logf("replica %s log:\n%s", r.addr, r.logs.String())
		}
	})
	for range 300 {
		if r.addr == "" {
			r.addr = loggedAddr(r.logs.String(), "server.addr")
		}
		if r.addr != "" {
			if resp, err := http.Get("http://" + r.addr + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return r
				}
			}
		}
		select {
		case <-r.exited:
			t.Fatalf("replica exited before it answered:\n%s", r.logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("replica did not answer GET /healthz:\n%s", r.logs.String())
	return nil
}

// kill ends the replica with SIGKILL, as a crash would.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-r.exited
}

// telegramStatus is the telegram component of the replica's /readyz.
func (r *replica) telegramStatus(t *testing.T) string {
	t.Helper()
	resp, err := http.Get("http://" + r.addr + "/readyz")
	if err != nil {
		return "unreachable"
	}
	defer resp.Body.Close()
	var doc struct {
		Components map[string]struct{ Status string } `json:"components"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatalf("/readyz: %v", err)
	}
	return doc.Components["telegram"].Status
}

// history returns a room's whole conversation, oldest first, as the
// replica's API answers it.
func (r *replica) history(t *testing.T, token string, roomID int64) []apiMessage {
	t.Helper()
	var page struct {
		Messages []apiMessage `json:"messages"`
	}
	r.call(t, http.MethodGet, fmt.Sprintf("/rooms/%d/messages?limit=100", roomID), token, nil, &page, http.StatusOK)
	return page.Messages
}

// apiMessage is a message as the API answers it.
type apiMessage struct {
	ID        int64  `json:"id"`
	Role      string `json:"role"`
	Content   string `json:"content"`
	Status    string `json:"status"`
	ErrorCode string `json:"error_code"`
}
