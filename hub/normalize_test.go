package hub

import (
	"strings"
	"testing"
)

func TestNormalizeEmail(t *testing.T) {
	ok := []struct{ name, in, want string }{
		{"plain", "amara.okafor@example.com", "amara.okafor@example.com"},
		{"upper case", "Amara.Okafor@Example.COM", "amara.okafor@example.com"},
		{"surrounding space", "  amara@example.com\t\n", "amara@example.com"},
		{"plus tag", "amara+jobs@example.co.uk", "amara+jobs@example.co.uk"},
		{"non-ASCII", "zoë@exämple.de", "zoë@exämple.de"},
		{"hyphenated domain", "a@my-company.io", "a@my-company.io"},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeEmail(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("NormalizeEmail(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	bad := []struct{ name, in string }{
		{"empty", ""},
		{"blank", "   "},
		{"no at", "amara.example.com"},
		{"two ats", "a@b@example.com"},
		{"no local part", "@example.com"},
		{"no domain dot", "amara@localhost"},
		{"empty label", "amara@example..com"},
		{"trailing dot", "amara@example.com."},
		{"leading dot in domain", "amara@.example.com"},
		{"hyphen label edge", "amara@-example.com"},
		{"inner space", "amara okafor@example.com"},
		{"display name", "Amara <amara@example.com>"},
		{"comma list", "a@example.com,b@example.com"},
		{"control char", "amara\x00@example.com"},
		{"newline inside", "amara@exa\nmple.com"},
		{"dot dot local", "a..b@example.com"},
		{"leading dot local", ".a@example.com"},
		{"local too long", strings.Repeat("a", 65) + "@example.com"},
		{"too long", "a@" + strings.Repeat("b", 250) + ".com"},
		{"invalid UTF-8", "a\xff@example.com"},
	}
	for _, tc := range bad {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			if got, err := NormalizeEmail(tc.in); err == nil {
				t.Fatalf("NormalizeEmail(%q) = %q, want an error", tc.in, got)
			}
		})
	}
}

func TestNormalizeLinkedInURL(t *testing.T) {
	const want = "https://www.linkedin.com/in/amara-okafor"
	ok := []struct{ name, in, want string }{
		{"canonical", want, want},
		{"http", "http://www.linkedin.com/in/amara-okafor", want},
		{"no www", "https://linkedin.com/in/amara-okafor", want},
		{"country subdomain", "https://uk.linkedin.com/in/amara-okafor", want},
		{"mobile host", "https://m.linkedin.com/in/amara-okafor", want},
		{"trailing slash", "https://www.linkedin.com/in/amara-okafor/", want},
		{"query string", "https://www.linkedin.com/in/amara-okafor?utm_source=share&trk=x", want},
		{"fragment", "https://www.linkedin.com/in/amara-okafor#experience", want},
		{"sub-page", "https://www.linkedin.com/in/amara-okafor/details/experience/", want},
		{"upper case", "HTTPS://WWW.LinkedIn.COM/IN/Amara-Okafor", want},
		{"no scheme", "www.linkedin.com/in/amara-okafor", want},
		{"surrounding space", "  https://www.linkedin.com/in/amara-okafor \n", want},
		{"digits and underscore", "https://de.linkedin.com/in/j_doe-42", "https://www.linkedin.com/in/j_doe-42"},
		{"unicode slug", "https://www.linkedin.com/in/jürgen-müller", "https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller"},
		{"percent-encoded slug", "https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller/", "https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller"},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeLinkedInURL(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("NormalizeLinkedInURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			again, err := NormalizeLinkedInURL(got)
			if err != nil || again != got {
				t.Fatalf("not idempotent: %q -> %q, %v", got, again, err)
			}
		})
	}
	bad := []struct{ name, in string }{
		{"empty", ""},
		{"company page", "https://www.linkedin.com/company/visage"},
		{"job posting", "https://www.linkedin.com/jobs/view/123"},
		{"old public profile", "https://www.linkedin.com/pub/amara-okafor/1/2/3"},
		{"no slug", "https://www.linkedin.com/in/"},
		{"empty slug", "https://www.linkedin.com/in//x"},
		{"root", "https://www.linkedin.com/"},
		{"other site", "https://github.com/in/amara"},
		{"look-alike host", "https://linkedin.com.evil.example/in/amara"},
		{"suffix host", "https://evillinkedin.com/in/amara"},
		{"deep subdomain", "https://a.b.linkedin.com/in/amara"},
		{"long subdomain", "https://evil.linkedin.com/in/amara"},
		{"ftp", "ftp://www.linkedin.com/in/amara"},
		{"javascript", "javascript:alert(1)//linkedin.com/in/x"},
		{"user info", "https://user@www.linkedin.com/in/amara"},
		{"port", "https://www.linkedin.com:8443/in/amara"},
		{"space in slug", "https://www.linkedin.com/in/amara%20okafor"},
		{"bad escape", "https://www.linkedin.com/in/%zz"},
		{"punctuation in slug", "https://www.linkedin.com/in/amara<script>"},
		{"slug too long", "https://www.linkedin.com/in/" + strings.Repeat("a", 101)},
	}
	for _, tc := range bad {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			if got, err := NormalizeLinkedInURL(tc.in); err == nil {
				t.Fatalf("NormalizeLinkedInURL(%q) = %q, want an error", tc.in, got)
			}
		})
	}
}

func TestNormalizeCandidate(t *testing.T) {
	str := func(s string) *string { return &s }
	t.Run("derives the full name and defaults", func(t *testing.T) {
		c := Candidate{FirstName: str(" Amara "), LastName: str("Okafor"), Email: str("A@B.CO"),
			LinkedInURL: str("linkedin.com/in/amara")}
		if err := NormalizeCandidate(&c); err != nil {
			t.Fatal(err)
		}
		if c.FullName != "Amara Okafor" || c.Status != CandNew || *c.Email != "a@b.co" ||
			*c.LinkedInURL != "https://www.linkedin.com/in/amara" {
			t.Fatalf("got %+v", c)
		}
		if c.Experience == nil || c.Education == nil || c.Skills == nil || c.Tags == nil {
			t.Fatal("lists must never be nil")
		}
	})
	t.Run("keeps a given full name", func(t *testing.T) {
		c := Candidate{FirstName: str("Amara"), FullName: "Dr. Amara Okafor"}
		if err := NormalizeCandidate(&c); err != nil || c.FullName != "Dr. Amara Okafor" {
			t.Fatalf("got %q, %v", c.FullName, err)
		}
	})
	t.Run("one name part is enough", func(t *testing.T) {
		c := Candidate{LastName: str("Okafor")}
		if err := NormalizeCandidate(&c); err != nil || c.FullName != "Okafor" {
			t.Fatalf("got %q, %v", c.FullName, err)
		}
	})
	t.Run("reports every bad field at once", func(t *testing.T) {
		c := Candidate{Email: str("nope"), LinkedInURL: str("https://example.com/in/x"), Status: "maybe"}
		err := NormalizeCandidate(&c)
		if ErrorCode(err) != EInvalid {
			t.Fatalf("err = %v", err)
		}
		got := map[string]bool{}
		for _, f := range ErrorFields(err) {
			got[f.Field] = f.Message != ""
		}
		for _, f := range []string{"email", "linkedin_url", "full_name", "status"} {
			if !got[f] {
				t.Errorf("no error for %s in %v", f, ErrorFields(err))
			}
		}
	})
}

func TestJoinName(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name        string
		first, last *string
		want        string
	}{
		{"both", str("Amara"), str("Okafor"), "Amara Okafor"},
		{"first only", str("Amara"), nil, "Amara"},
		{"last only", nil, str("Okafor"), "Okafor"},
		{"blank parts", str(" "), str(""), ""},
		{"none", nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := JoinName(tc.first, tc.last); got != tc.want {
				t.Fatalf("JoinName = %q, want %q", got, tc.want)
			}
		})
	}
}
