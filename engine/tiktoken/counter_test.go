package tiktoken

import (
	"sync"
	"testing"
)

// The reference counts come from OpenAI's tiktoken.
func TestCount(t *testing.T) {
	tests := []struct {
		encoding string
		text     string
		want     int
	}{
		{"", "hello world", 2},
		{"o200k_base", "", 0},
		{"o200k_base", "hello world", 2},
		{"o200k_base", "hello  world", 3},
		{"cl100k_base", "hello world", 2},
		{"cl100k_base", "tiktoken is great!", 6},
	}
	for _, tt := range tests {
		t.Run(tt.encoding+"/"+tt.text, func(t *testing.T) {
			c, err := New(tt.encoding)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Count(tt.text); got != tt.want {
				t.Errorf("Count(%q) = %d, want %d", tt.text, got, tt.want)
			}
		})
	}
}

func TestNewUnknownEncoding(t *testing.T) {
	for _, enc := range []string{"p50k_base", "gpt-4o", "nonsense"} {
		if c, err := New(enc); err == nil {
			t.Errorf("New(%q) = %v, nil; want an error", enc, c)
		}
	}
}

// o200k_base is the default because it spends far fewer tokens on Korean and
// Japanese than cl100k_base: a budget counted with the wrong one is off.
func TestCountEncodingsDifferOnKorean(t *testing.T) {
	o200k, _ := New("o200k_base")
	cl100k, _ := New("cl100k_base")
	n1, n2 := o200k.Count(korean), cl100k.Count(korean)
	if n1 <= 0 || n1 >= n2 {
		t.Errorf("Korean: o200k_base %d tokens, cl100k_base %d; want 0 < o200k < cl100k", n1, n2)
	}
	if n := o200k.Count(korean); n > len([]rune(korean)) {
		t.Errorf("Korean: %d tokens for %d characters", n, len([]rune(korean)))
	}
}

func TestCountInvalidUTF8(t *testing.T) {
	c, _ := New("")
	if n := c.Count("ab\xffcd"); n <= 0 || n > 5 {
		t.Errorf("Count(invalid UTF-8) = %d, want 1..5", n)
	}
}

func TestCountConcurrent(t *testing.T) {
	c, _ := New("")
	want := c.Count(korean + english)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if got := c.Count(korean + english); got != want {
					t.Errorf("concurrent Count = %d, want %d", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// Sentences of about 200 characters, as a chat message is.
const (
	korean  = "서울의 작은 카페에서 따뜻한 아메리카노 한 잔과 치즈 케이크를 주문하고 싶은데요, 혹시 오늘 특별히 추천하시는 메뉴가 있나요? 처음 와 봐서 잘 모르겠어요. 그리고 여기 와이파이 비밀번호도 알려 주실 수 있을까요? 창가 자리에 앉아서 친구를 기다리려고 하는데, 한 시간 정도 있어도 괜찮을까요? 정말 감사합니다, 좋은 하루 보내세요!"
	english = "I would like to order a warm americano and a slice of cheesecake at this little cafe in Seoul; is there anything on today's menu that you would recommend to someone who is visiting for the first time?"
)

func BenchmarkCount(b *testing.B) {
	for _, enc := range []string{"o200k_base", "cl100k_base"} {
		c, err := New(enc)
		if err != nil {
			b.Fatal(err)
		}
		for name, text := range map[string]string{"korean": korean, "english": english} {
			b.Run(enc+"/"+name, func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				for b.Loop() {
					c.Count(text)
				}
			})
		}
	}
}
