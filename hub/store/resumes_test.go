package store_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/resume"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestResumeLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newCandFixture(t, st)
		c, err := st.CreateCandidate(ctx, f.acct, hub.Candidate{FullName: "Amara Okafor"})
		if err != nil {
			t.Fatal(err)
		}
		seen := len(eventsOf(t, st, f.acct))
		pdf := resume.GeneratePDF("Amara Okafor", []string{"Senior Software Engineer"})
		put := func(data []byte, name string) (hub.Candidate, error) {
			return st.PutResume(ctx, f.acct, hub.Resume{CandidateID: c.ID, Filename: name, ContentType: "application/pdf", Data: data})
		}

		t.Run("put stores the bytes and announces the candidate with its link", func(t *testing.T) {
			got, err := put(pdf, "amara.pdf")
			if err != nil {
				t.Fatal(err)
			}
			want := hub.ResumeInfo{Filename: "amara.pdf", ContentType: "application/pdf", Size: int64(len(pdf))}
			if got.Resume == nil || *got.Resume != want || got.UpdatedAt.Before(c.UpdatedAt.Time) {
				t.Fatalf("candidate %+v resume %+v", got, got.Resume)
			}
			stored, err := st.GetCandidate(ctx, f.acct, c.ID)
			if err != nil || stored.Resume == nil || *stored.Resume != want || stored.Resume.URL != "" {
				t.Fatalf("stored %+v, %v", stored.Resume, err)
			}
			r, err := st.GetResume(ctx, f.acct, c.ID)
			if err != nil || !bytes.Equal(r.Data, pdf) || r.ETag != resume.ETag(pdf) || r.Size != int64(len(pdf)) ||
				r.Filename != "amara.pdf" || r.ContentType != "application/pdf" || r.CandidateID != c.ID {
				t.Fatalf("resume %+v (%d bytes), %v", r, len(r.Data), err)
			}
			byLink, err := st.GetResumeByLink(ctx, c.ID)
			if err != nil || !bytes.Equal(byLink.Data, pdf) || byLink.ETag != r.ETag {
				t.Fatalf("by link: %v", err)
			}
			evs := newEvents(t, st, f.acct, &seen)
			if !slices.Equal(typesOf(evs), []string{hub.EventCandidateUpdated}) {
				t.Fatalf("events %v", typesOf(evs))
			}
			data := decodeCandidate(t, evs[0].Data)
			if data.Resume == nil || !strings.HasPrefix(data.Resume.URL, "https://hub.test/v1/candidates/"+c.ID+"/resume?") {
				t.Fatalf("event data has no resume link: %s", evs[0].Data)
			}
		})
		t.Run("the same file again changes nothing", func(t *testing.T) {
			before, _ := st.GetCandidate(ctx, f.acct, c.ID)
			got, err := put(pdf, "amara.pdf")
			if err != nil || !got.UpdatedAt.Equal(before.UpdatedAt.Time) {
				t.Fatalf("got %+v, %v", got, err)
			}
			if evs := newEvents(t, st, f.acct, &seen); len(evs) != 0 {
				t.Fatalf("events %v", typesOf(evs))
			}
		})
		t.Run("replacing keeps one file", func(t *testing.T) {
			txt := []byte("Amara Okafor\nSenior Software Engineer\n")
			got, err := st.PutResume(ctx, f.acct, hub.Resume{CandidateID: c.ID, Filename: "cv.txt", ContentType: "text/plain", Data: txt})
			if err != nil || got.Resume.ContentType != "text/plain" || got.Resume.Size != int64(len(txt)) {
				t.Fatalf("got %+v, %v", got.Resume, err)
			}
			r, err := st.GetResume(ctx, f.acct, c.ID)
			if err != nil || !bytes.Equal(r.Data, txt) || r.ETag != resume.ETag(txt) {
				t.Fatalf("resume %+v, %v", r, err)
			}
			var n int
			if err := st.DB().Get(&n, st.DB().Rebind(`SELECT COUNT(*) FROM resumes WHERE candidate_id = ?`), c.ID); err != nil || n != 1 {
				t.Fatalf("%d rows, %v", n, err)
			}
			if evs := newEvents(t, st, f.acct, &seen); len(evs) != 1 {
				t.Fatalf("events %v", typesOf(evs))
			}
		})
		t.Run("other accounts and unknown candidates are not found", func(t *testing.T) {
			_, err := st.GetResume(ctx, f.other, c.ID)
			wantCode(t, err, hub.ENotFound, "")
			_, err = st.PutResume(ctx, f.other, hub.Resume{CandidateID: c.ID, Filename: "x.pdf", ContentType: "application/pdf", Data: pdf})
			wantCode(t, err, hub.ENotFound, "")
			_, err = st.DeleteResume(ctx, f.other, c.ID)
			wantCode(t, err, hub.ENotFound, "")
			_, err = st.PutResume(ctx, f.acct, hub.Resume{CandidateID: hub.NewID(hub.PrefixCand), Filename: "x.pdf", ContentType: "application/pdf", Data: pdf})
			wantCode(t, err, hub.ENotFound, "")
			_, err = st.GetResumeByLink(ctx, hub.NewID(hub.PrefixCand))
			wantCode(t, err, hub.ENotFound, "")
			if r, err := st.GetResume(ctx, f.acct, c.ID); err != nil || r.ContentType != "text/plain" {
				t.Fatalf("the other account changed the resume: %+v, %v", r, err)
			}
			if evs := eventsOf(t, st, f.other); len(evs) != 0 {
				t.Fatalf("the other account got %v", typesOf(evs))
			}
		})
		t.Run("refused files write nothing", func(t *testing.T) {
			for _, tc := range []struct {
				name string
				r    hub.Resume
				code hub.Code
			}{
				{"empty", hub.Resume{Filename: "x.pdf", ContentType: "application/pdf"}, hub.EInvalid},
				{"too large", hub.Resume{Filename: "x.pdf", ContentType: "application/pdf", Data: make([]byte, resume.MaxSize+1)}, hub.ETooLarge},
				{"unknown type", hub.Resume{Filename: "x.exe", ContentType: "application/octet-stream", Data: []byte("MZ")}, hub.EUnsupported},
				{"no name", hub.Resume{ContentType: "application/pdf", Data: pdf}, hub.EInvalid},
			} {
				t.Run(tc.name, func(t *testing.T) {
					tc.r.CandidateID = c.ID
					_, err := st.PutResume(ctx, f.acct, tc.r)
					wantCode(t, err, tc.code, "")
					if evs := newEvents(t, st, f.acct, &seen); len(evs) != 0 {
						t.Fatalf("events %v", typesOf(evs))
					}
				})
			}
		})
		t.Run("delete removes it once", func(t *testing.T) {
			got, err := st.DeleteResume(ctx, f.acct, c.ID)
			if err != nil || got.Resume != nil {
				t.Fatalf("got %+v, %v", got, err)
			}
			_, err = st.GetResume(ctx, f.acct, c.ID)
			wantCode(t, err, hub.ENotFound, "")
			stored, _ := st.GetCandidate(ctx, f.acct, c.ID)
			if stored.Resume != nil {
				t.Fatalf("candidate still has %+v", stored.Resume)
			}
			evs := newEvents(t, st, f.acct, &seen)
			if !slices.Equal(typesOf(evs), []string{hub.EventCandidateUpdated}) || decodeCandidate(t, evs[0].Data).Resume != nil {
				t.Fatalf("events %v", typesOf(evs))
			}
			again, err := st.DeleteResume(ctx, f.acct, c.ID)
			if err != nil || again.Resume != nil || !again.UpdatedAt.Equal(got.UpdatedAt.Time) {
				t.Fatalf("repeat delete: %+v, %v", again, err)
			}
			if evs := newEvents(t, st, f.acct, &seen); len(evs) != 0 {
				t.Fatalf("a repeated delete wrote %v", typesOf(evs))
			}
		})
	})
}
