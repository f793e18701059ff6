package httpapi

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
)

// docRoutes serves the API's description: the OpenAPI document, built from
// the route table on first use and then served from memory, and the
// rendered reference, whose renderer is compiled into the binary so /docs
// works on a hub with no internet access.
func (s *Server) docRoutes() []Route {
	spec := sync.OnceValues(func() ([]byte, error) { return buildOpenAPI(s.Routes(), s.cfg.BaseURL()) })
	return []Route{
		{Method: "GET", Path: "/openapi.json", Access: Public, Summary: "This API's OpenAPI 3.1 description",
			Tag: "Documentation", handler: serveOpenAPI(spec)},
		{Method: "GET", Path: "/docs", Access: Public, Summary: "The API reference, as a web page",
			Tag: "Documentation", handler: serveDocsPage},
		{Method: "GET", Path: "/docs/assets/:file", Access: Public, Summary: "A file of the reference page: the bundled renderer and its licences",
			Tag: "Documentation", handler: serveDocsAsset},
	}
}

func serveOpenAPI(spec func() ([]byte, error)) fiber.Handler {
	etag := sync.OnceValue(func() string {
		b, _ := spec()
		return strongETag(b)
	})
	return func(c *fiber.Ctx) error {
		b, err := spec()
		if err != nil {
			return fmt.Errorf("build openapi document: %w", err)
		}
		c.Set(fiber.HeaderETag, etag())
		// Editors and client generators in a browser load the document
		// from other origins; it is public.
		c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
		c.Set(fiber.HeaderCacheControl, "no-cache")
		if c.Get(fiber.HeaderIfNoneMatch) == etag() {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Send(b)
	}
}

// docsCSP keeps the reference page on the hub: scripts, styles, images,
// fonts and fetches may come from the hub only (the renderer's styles are
// injected at run time, hence unsafe-inline for styles; its search runs in
// a blob: worker). The renderer's footer logo points at Redocly's CDN; this
// policy stops the browser from fetching it, and the page hides it.
const docsCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func serveDocsPage(c *fiber.Ctx) error {
	page, err := docsPage()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentSecurityPolicy, docsCSP)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(page)
}

// docsPage is the HTML of /docs. The renderer's URL carries its content
// hash, so it can be cached for a year and a new bundle is still fetched
// the moment the binary changes.
var docsPage = sync.OnceValues(func() ([]byte, error) {
	assets, err := docAssets()
	if err != nil {
		return nil, err
	}
	js := assets[rendererFile]
	return []byte(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Visage public API reference</title>
<link rel="icon" href="data:,">
<style>body{margin:0;padding:0}</style>
</head>
<body>
<noscript>This reference needs JavaScript. The API's description itself is at <a href="/openapi.json">/openapi.json</a>.</noscript>
<redoc spec-url="/openapi.json" expand-responses="200,201" required-props-first="true"></redoc>
<script src="/docs/assets/` + rendererFile + `?v=` + js.version + `"></script>
</body>
</html>
`), nil
})

func serveDocsAsset(c *fiber.Ctx) error {
	assets, err := docAssets()
	if err != nil {
		return err
	}
	a, ok := assets[c.Params("file")]
	if !ok {
		return hub.Errorf(hub.ENotFound, "no such file of the API reference")
	}
	c.Set(fiber.HeaderContentType, a.contentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	body, etag := a.body, a.etag
	if a.gzipped != nil && acceptsGzip(c.Get(fiber.HeaderAcceptEncoding)) {
		// Each encoding is its own representation, with its own tag.
		body, etag = a.gzipped, strings.TrimSuffix(a.etag, `"`)+`-gzip"`
		c.Set(fiber.HeaderContentEncoding, "gzip")
	}
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		c.Response().Header.Del(fiber.HeaderContentEncoding)
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(body)
}

// acceptsGzip reports whether an Accept-Encoding header lists gzip with a
// weight above zero.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				q, err := strconv.ParseFloat(v, 64)
				return err == nil && q > 0
			}
		}
		return true
	}
	return false
}

// rendererFile is Redoc's standalone bundle, from the npm registry via
// scripts/update-docs-renderer.sh (which pins its version and checksum).
const rendererFile = "redoc.standalone.js"

//go:embed assets/redoc.standalone.js assets/redoc.standalone.js.LICENSE.txt assets/LICENSE
var assetFiles embed.FS

// docAsset is one embedded file, ready to serve.
type docAsset struct {
	body, gzipped []byte
	contentType   string
	etag, version string
}

var docAssets = sync.OnceValues(func() (map[string]*docAsset, error) {
	types := map[string]string{
		rendererFile:                  "text/javascript; charset=utf-8",
		rendererFile + ".LICENSE.txt": fiber.MIMETextPlainCharsetUTF8,
		"LICENSE":                     fiber.MIMETextPlainCharsetUTF8,
	}
	out := make(map[string]*docAsset, len(types))
	for name, ct := range types {
		b, err := assetFiles.ReadFile("assets/" + name)
		if err != nil {
			return nil, fmt.Errorf("docs asset %s: %w", name, err)
		}
		sum := sha256.Sum256(b)
		a := &docAsset{body: b, contentType: ct, etag: strongETag(b), version: hex.EncodeToString(sum[:6])}
		if len(b) > 4096 {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			if _, err := zw.Write(b); err != nil {
				return nil, fmt.Errorf("gzip %s: %w", name, err)
			}
			if err := zw.Close(); err != nil {
				return nil, fmt.Errorf("gzip %s: %w", name, err)
			}
			a.gzipped = buf.Bytes()
		}
		out[name] = a
	}
	return out, nil
})

func strongETag(b []byte) string {
	sum := sha256.Sum256(b)
	return strconv.Quote(hex.EncodeToString(sum[:12]))
}
