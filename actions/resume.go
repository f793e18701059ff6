package actions

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/resume"
	"github.com/visage-jobs/visage-hub/hub/ssrf"
)

// fileURLField names the input member download problems are reported on.
const fileURLField = "file_url"

// attachResume is attach_resume: it downloads file_url through the guarded
// client, at most resume.MaxSize bytes, checks the content as an upload is
// checked and stores it with PutResume, as PUT /v1/candidates/{id}/resume
// does. The candidate is looked up first, so an unknown or another
// account's candidate is a 404 without any download.
func attachResume(ctx context.Context, b Backend, accountID string, input []byte) (any, error) {
	var in struct {
		CandidateID string `json:"candidate_id"`
		FileURL     string `json:"file_url"`
		Filename    string `json:"filename"`
	}
	if err := decode(input, &in); err != nil {
		return nil, err
	}
	if _, err := b.GetCandidate(ctx, accountID, in.CandidateID); err != nil {
		return nil, err
	}
	data, disposition, err := download(ctx, b, in.FileURL)
	if err != nil {
		return nil, err
	}
	name := in.Filename
	if name == "" {
		name = resume.DispositionFilename(disposition)
	}
	if name == "" {
		name = urlFilename(in.FileURL)
	}
	filename, contentType, err := resume.Prepare(name, data)
	if err != nil {
		return nil, fileError(err)
	}
	return b.PutResume(ctx, accountID, hub.Resume{CandidateID: in.CandidateID, Filename: filename, ContentType: contentType, Data: data})
}

// download fetches the file and returns its bytes and Content-Disposition.
// A declared length over the cap is refused before reading; otherwise at
// most resume.MaxSize+1 bytes are read.
func download(ctx context.Context, b Backend, rawURL string) ([]byte, string, error) {
	res, err := b.Fetch(ctx, rawURL)
	if err != nil {
		return nil, "", fetchError(err)
	}
	defer res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		msg := fmt.Sprintf("could not be downloaded: the server answered %s; it must answer 200 with the file", res.Status)
		if res.StatusCode >= 300 && res.StatusCode < 400 {
			msg += " (redirects are not followed; give the file's final address)"
		}
		return nil, "", invalidURL(msg)
	}
	if res.ContentLength > resume.MaxSize {
		return nil, "", fileError(resume.ErrTooLarge)
	}
	data, err := resume.ReadAll(res.Body)
	if err != nil {
		return nil, "", fileError(err)
	}
	return data, res.Header.Get("Content-Disposition"), nil
}

// fetchError explains a refused or failed download on file_url: the
// guard's reason as it is, or what went wrong on the network.
func fetchError(err error) error {
	var be *ssrf.BlockedError
	if errors.As(err, &be) {
		return invalidURL("is not allowed: " + be.Reason)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return invalidURL("could not be downloaded: the server took too long to answer")
	}
	return invalidURL("could not be downloaded: " + err.Error())
}

// fileError maps the resume package's refusals as uploads map them: too
// large 413, not a resume 415, empty or unreadable 422 on file_url.
func fileError(err error) error {
	switch {
	case errors.Is(err, resume.ErrTooLarge):
		return &hub.Error{Code: hub.ETooLarge, Message: "the file at file_url is larger than 10 MiB, the limit for a resume", Err: err,
			Fields: []hub.FieldError{{Field: fileURLField, Message: "points to a file larger than 10 MiB"}}}
	case errors.Is(err, resume.ErrUnsupported):
		return &hub.Error{Code: hub.EUnsupported, Message: "the file at file_url: " + err.Error(), Err: err,
			Fields: []hub.FieldError{{Field: fileURLField, Message: err.Error()}}}
	case errors.Is(err, resume.ErrEmpty):
		return invalidURL("points to an empty file")
	}
	return invalidURL("could not be downloaded: " + err.Error())
}

func invalidURL(msg string) error {
	return hub.Invalid(hub.FieldError{Field: fileURLField, Message: msg})
}

// urlFilename is the last segment of the URL's path, decoded, or "" (then
// SanitizeFilename names the file resume.<ext>).
func urlFilename(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	base := path.Base(u.Path)
	if base == "/" || base == "." {
		return ""
	}
	return base
}

// Downloader implements Backend.Fetch with the hub's guarded client, so
// file downloads obey the same SSRF policy as webhook deliveries
// (VISAGE_ALLOW_PRIVATE_TARGETS): the client checks each request's URL
// before anything is dialled and each connection's address when it is.
type Downloader struct {
	Client *http.Client
}

// NewDownloader builds a Downloader under policy p with the guard's
// default timeouts.
func NewDownloader(p ssrf.Policy) Downloader {
	return Downloader{Client: ssrf.NewClient(p, ssrf.ClientOptions{})}
}

// Fetch GETs rawURL; see Backend.Fetch.
func (d Downloader) Fetch(ctx context.Context, rawURL string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, &ssrf.BlockedError{Reason: "the URL is not valid", Err: err}
	}
	req.Header.Set("Accept", "application/pdf, application/msword, "+
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document, application/rtf, text/plain, */*;q=0.1")
	req.Header.Set("User-Agent", "visage-hub (attach_resume)")
	return d.Client.Do(req)
}
