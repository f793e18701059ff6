package httpapi

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/resume"
)

// resumeTypes are the media types PUT /v1/candidates/{id}/resume documents.
// The format is decided from the bytes, whatever the request says.
var resumeTypes = []string{
	"application/pdf", "application/msword",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/rtf", "text/plain", "multipart/form-data",
}

// resumeRoutes lists this file's routes; see routeTable. None is JSON:
// uploads are files up to 10 MiB, far over the JSON body limit.
func (s *Server) resumeRoutes() []Route {
	return []Route{
		{Method: "PUT", Path: "/v1/candidates/:id/resume", Access: AnyCaller, Tag: "Candidates",
			Summary:  "Upload or replace a candidate's resume (PDF, DOC, DOCX, RTF or TXT, checked by content, 10 MiB max)",
			RawTypes: resumeTypes, Response: "candidate",
			Query:   []Param{{Name: "filename", Type: "string", Description: "The file's name, when the upload does not carry one (Content-Disposition or the multipart part's filename)."}},
			handler: s.putResume},
		{Method: "GET", Path: "/v1/candidates/:id/resume", Access: Public, Tag: "Candidates",
			Summary: "Download a candidate's resume, with an API key or through the signed link in resume.url",
			Query: []Param{
				{Name: "exp", Type: "integer", Description: "Expiry of a signed link (Unix seconds); part of resume.url."},
				{Name: "sig", Type: "string", Description: "Signature of a signed link; part of resume.url."},
			},
			handler: s.getResume},
		{Method: "DELETE", Path: "/v1/candidates/:id/resume", Access: AnyCaller, Tag: "Candidates",
			Summary: "Remove a candidate's resume (safe to repeat)", Status: fiber.StatusNoContent, handler: s.deleteResume},
	}
}

func (s *Server) putResume(c *fiber.Ctx) error {
	id, err := candidateID(c)
	if err != nil {
		return err
	}
	up, err := readUpload(c)
	if err != nil {
		return err
	}
	r, err := checkedResume(id, up)
	if err != nil {
		return err
	}
	cand, err := s.store.PutResume(c.UserContext(), principal(c).AccountID, r)
	if err != nil {
		return err
	}
	return s.sendCandidate(c, fiber.StatusOK, cand)
}

// getResume serves the file to a caller with credentials, or to anyone
// holding a signed link (exp and sig) that is intact and unexpired. The
// route is Public so that the link needs no API key; without link
// parameters the handler authenticates like any other route.
func (s *Server) getResume(c *fiber.Ctx) error {
	id, err := candidateID(c)
	if err != nil {
		return err
	}
	var r hub.Resume
	if exp, sig := c.Query("exp"), c.Query("sig"); exp != "" || sig != "" {
		if err := s.links.VerifyLink(resumePath(id), exp, sig, time.Now()); err != nil {
			return err
		}
		r, err = s.store.GetResumeByLink(c.UserContext(), id)
	} else {
		if err := s.identify(c); err != nil {
			return err
		}
		r, err = s.store.GetResume(c.UserContext(), principal(c).AccountID, id)
	}
	if err != nil {
		return err
	}
	return sendResume(c, r)
}

// sendResume writes the file with headers that keep it a download: a
// Content-Disposition of attachment with the cleaned name, the stored type
// with nosniff, a sandboxing CSP in case a browser renders it anyway, and
// private caching keyed on the ETag.
func sendResume(c *fiber.Ctx, r hub.Resume) error {
	c.Set(fiber.HeaderETag, r.ETag)
	c.Set(fiber.HeaderCacheControl, "private")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), r.ETag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, servedType(r.ContentType))
	c.Set(fiber.HeaderContentDisposition, resume.ContentDisposition(r.Filename))
	c.Set(fiber.HeaderContentLength, strconv.Itoa(len(r.Data)))
	return c.Status(fiber.StatusOK).Send(r.Data)
}

// etagMatches applies If-None-Match (RFC 9110, 13.1.2): "*" or any listed
// tag equal to etag under the weak comparison.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

func (s *Server) deleteResume(c *fiber.Ctx) error {
	id, err := candidateID(c)
	if err != nil {
		return err
	}
	if _, err := s.store.DeleteResume(c.UserContext(), principal(c).AccountID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
