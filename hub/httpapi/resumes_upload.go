package httpapi

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/resume"
)

// resumeFormField is the multipart/form-data part that carries the file.
const resumeFormField = "file"

// upload is a resume file as received, before its content is checked.
type upload struct {
	data []byte
	name string // as the client sent it; "" when it sent none
}

// readUpload takes the file from a PUT body: either the raw bytes (any
// Content-Type but JSON, since the type is decided from the content) or
// the part named "file" of a multipart/form-data body. The name is taken
// from ?filename= first (no-code tools can set it when their file field
// cannot), then from the multipart part's filename or the request's
// Content-Disposition.
func readUpload(c *fiber.Ctx) (upload, error) {
	ct := c.Get(fiber.HeaderContentType)
	mt, params, err := mime.ParseMediaType(ct)
	if ct != "" && err != nil {
		return upload{}, hub.Errorf(hub.EUnsupported, "the Content-Type header %q cannot be parsed", ct)
	}
	var up upload
	switch {
	case mt == "multipart/form-data":
		up, err = readMultipart(c.Body(), params["boundary"])
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return upload{}, hub.Errorf(hub.EUnsupported,
			"send the resume file itself as the body (with its own Content-Type) or as multipart/form-data with a part named %q, not JSON", resumeFormField)
	default:
		up.data, err = resume.ReadAll(bytes.NewReader(c.Body()))
		up.name = resume.DispositionFilename(c.Get(fiber.HeaderContentDisposition))
	}
	if err != nil {
		return upload{}, uploadError(err)
	}
	if q := c.Query("filename"); q != "" {
		up.name = q
	}
	return up, nil
}

// readMultipart returns the part named "file" of a multipart/form-data
// body, refusing a body without one.
func readMultipart(body []byte, boundary string) (upload, error) {
	if boundary == "" {
		return upload{}, hub.Errorf(hub.EMalformed, "the multipart/form-data Content-Type has no boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return upload{}, hub.Invalid(hub.FieldError{Field: resumeFormField,
				Message: "is required: send the resume as the form part named " + resumeFormField})
		}
		if err != nil {
			return upload{}, &hub.Error{Code: hub.EMalformed, Message: "the multipart/form-data body cannot be read", Err: err}
		}
		if part.FormName() != resumeFormField {
			continue
		}
		data, err := resume.ReadAll(part)
		if err != nil {
			return upload{}, err
		}
		name := resume.DispositionFilename(part.Header.Get(fiber.HeaderContentDisposition))
		return upload{data: data, name: name}, nil
	}
}

// uploadError maps the resume package's refusals to the API's codes: too
// large 413, empty 422 on the file, anything not a resume 415 with the
// package's explanation of what the file seems to be.
func uploadError(err error) error {
	var he *hub.Error
	switch {
	case errors.As(err, &he):
		return err
	case errors.Is(err, resume.ErrTooLarge):
		return &hub.Error{Code: hub.ETooLarge, Message: err.Error() + " (the limit is 10 MiB)", Err: err}
	case errors.Is(err, resume.ErrEmpty):
		return &hub.Error{Code: hub.EInvalid, Message: err.Error(), Err: err,
			Fields: []hub.FieldError{{Field: resumeFormField, Message: err.Error()}}}
	case errors.Is(err, resume.ErrUnsupported):
		return &hub.Error{Code: hub.EUnsupported, Message: err.Error(), Err: err}
	}
	return err
}

// checkedResume decides the stored form of an upload (resume.Prepare).
func checkedResume(candidateID string, up upload) (hub.Resume, error) {
	name, ct, err := resume.Prepare(up.name, up.data)
	if err != nil {
		return hub.Resume{}, uploadError(err)
	}
	return hub.Resume{CandidateID: candidateID, Filename: name, ContentType: ct, Data: up.data}, nil
}

// servedType is the Content-Type a stored resume is sent with: text gets
// its charset, since Detect only accepts UTF-8 text.
func servedType(stored string) string {
	if stored == "text/plain" {
		return "text/plain; charset=utf-8"
	}
	return stored
}
