package resume

import (
	"mime"
	"strings"
	"testing"
)

func TestContentDisposition(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"ASCII", "cv.pdf", `attachment; filename="cv.pdf"; filename*=UTF-8''cv.pdf`},
		{"spaces", "Jane Doe CV.pdf", `attachment; filename="Jane Doe CV.pdf"; filename*=UTF-8''Jane%20Doe%20CV.pdf`},
		{"accented Latin", "Zoë Šimek CV.pdf", `attachment; filename="Zoe Simek CV.pdf"; filename*=UTF-8''Zo%C3%AB%20%C5%A0imek%20CV.pdf`},
		{"decomposed accent", "Zoe\u0308.pdf", `attachment; filename="Zoe.pdf"; filename*=UTF-8''Zoe%CC%88.pdf`},
		{"ligatures and sharp s", "Æsir Straße Œuvre.pdf", `attachment; filename="AEsir Strasse OEuvre.pdf"; filename*=UTF-8''%C3%86sir%20Stra%C3%9Fe%20%C5%92uvre.pdf`},
		{"CJK", "简历.pdf", `attachment; filename="__.pdf"; filename*=UTF-8''%E7%AE%80%E5%8E%86.pdf`},
		{"emoji", "cv 😀.txt", `attachment; filename="cv _.txt"; filename*=UTF-8''cv%20%F0%9F%98%80.txt`},
		{"quote backslash percent", `a"b\c%d.pdf`, `attachment; filename="a_b_c_d.pdf"; filename*=UTF-8''a%22b%5Cc%25d.pdf`},
		{"apostrophe", "O'Brien.pdf", `attachment; filename="O'Brien.pdf"; filename*=UTF-8''O%27Brien.pdf`},
		{"attr-chars left alone", "a!#$&+-.^_`|~.txt", "attachment; filename=\"a!#$&+-.^_`|~.txt\"; filename*=UTF-8''a!#$&+-.^_`|~.txt"},
		{"line break injection", "x\r\nSet-Cookie: a=b.pdf", `attachment; filename="x__Set-Cookie: a=b.pdf"; filename*=UTF-8''x%0D%0ASet-Cookie%3A%20a%3Db.pdf`},
		{"semicolon and comma", "a;b,c.pdf", `attachment; filename="a;b,c.pdf"; filename*=UTF-8''a%3Bb%2Cc.pdf`},
		{"invalid UTF-8 dropped", "cv\xff.pdf", `attachment; filename="cv.pdf"; filename*=UTF-8''cv.pdf`},
		{"empty", "", "attachment"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ContentDisposition(tc.in)
			if got != tc.want {
				t.Fatalf("ContentDisposition(%q) =\n %s\nwant\n %s", tc.in, got, tc.want)
			}
			checkDisposition(t, tc.in, got)
		})
	}
}

// checkDisposition asserts that a header value is safe to send and that a
// standard parser gets the original name back from it.
func checkDisposition(t *testing.T, in, got string) {
	t.Helper()
	for i := 0; i < len(got); i++ {
		if c := got[i]; c < 0x20 || c >= 0x7F {
			t.Fatalf("header value %q has byte %#x", got, c)
		}
	}
	disp, params, err := mime.ParseMediaType(got)
	if err != nil {
		t.Fatalf("mime.ParseMediaType(%q): %v", got, err)
	}
	if disp != "attachment" {
		t.Errorf("disposition = %q", disp)
	}
	// Go's parser prefers filename* over filename, as RFC 6266 asks.
	if want := strings.ToValidUTF8(in, ""); params["filename"] != want {
		t.Errorf("parsed filename = %q; want %q", params["filename"], want)
	}
}

func TestFoldLatin(t *testing.T) {
	tests := []struct {
		name string
		in   rune
		want string
	}{
		{"A grave", 'À', "A"},
		{"a ring", 'å', "a"},
		{"C cedilla", 'Ç', "C"},
		{"O stroke", 'Ø', "O"},
		{"thorn", 'þ', "th"},
		{"y diaeresis", 'ÿ', "y"},
		{"dotless i", 'ı', "i"},
		{"capital I with dot", 'İ', "I"},
		{"L stroke", 'Ł', "L"},
		{"n caron", 'ň', "n"},
		{"S caron", 'Š', "S"},
		{"Y diaeresis", 'Ÿ', "Y"},
		{"z caron", 'ž', "z"},
		{"long s", 'ſ', "s"},
		{"multiplication sign is no letter", '×', ""},
		{"Cyrillic", 'Ж', ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := foldLatin(tc.in); got != tc.want {
				t.Errorf("foldLatin(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}
