package resume

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"testing"
	"unicode/utf16"
)

// This file builds real sample files in memory, so the tests exercise the
// same structures a user's upload has, not just magic numbers.

// cfbSpec describes a compound file to build. Entry 0 is the root.
type cfbSpec struct {
	shift      uint16 // 9 (version 3, 512-byte sectors) or 12 (version 4)
	entries    []cfbSpecEntry
	minFAT     int  // at least this many FAT sectors, to force a DIFAT chain
	dirAt      int  // first directory sector no lower than this
	scatter    bool // leave a free sector after each directory sector
	streamSize int  // bytes of data given to the first stream entry
}

type cfbSpecEntry struct {
	name               string
	typ                byte
	left, right, child uint32
	clsid              [16]byte
}

const (
	none     = cfbNoStream
	freeSect = 0xFFFFFFFF
	fatSect  = 0xFFFFFFFD
	difSect  = 0xFFFFFFFC
)

// wordEntries is the top of a Word 97 document's directory: the
// WordDocument stream with the table stream on its left and the summary
// information on its right, as the red-black ordering (by name length)
// puts them.
func wordEntries() []cfbSpecEntry {
	return []cfbSpecEntry{
		{name: "Root Entry", typ: cfbTypeRoot, left: none, right: none, child: 1},
		{name: "WordDocument", typ: cfbTypeStream, left: 2, right: 3, child: none},
		{name: "1Table", typ: cfbTypeStream, left: none, right: none, child: none},
		{name: "\x05SummaryInformation", typ: cfbTypeStream, left: none, right: none, child: none},
	}
}

// buildCFB lays out a compound file: FAT sectors, DIFAT sectors, padding,
// the directory and one stream of data, each chained through the FAT.
func buildCFB(t testing.TB, s cfbSpec) []byte {
	t.Helper()
	if s.shift == 0 {
		s.shift = 9
	}
	ssz := 1 << s.shift
	perFAT := ssz / 4
	perDIFAT := perFAT - 1
	perDir := ssz / cfbEntrySize
	dirSectors := (len(s.entries) + perDir - 1) / perDir
	dataSectors := (s.streamSize + ssz - 1) / ssz

	// Grow the FAT until it covers every sector, itself included.
	nFAT, nDIFAT, total := max(1, s.minFAT), 0, 0
	for {
		nDIFAT = 0
		if nFAT > cfbHeaderDIFAT {
			nDIFAT = (nFAT - cfbHeaderDIFAT + perDIFAT - 1) / perDIFAT
		}
		dirStart := max(nFAT+nDIFAT, s.dirAt)
		step := 1
		if s.scatter {
			step = 2
		}
		total = dirStart + dirSectors*step + dataSectors
		if nFAT*perFAT >= total {
			break
		}
		nFAT++
	}
	fat := make([]uint32, nFAT*perFAT)
	for i := range fat {
		fat[i] = freeSect
	}
	for i := 0; i < nFAT; i++ {
		fat[i] = fatSect
	}
	for i := 0; i < nDIFAT; i++ {
		fat[nFAT+i] = difSect
	}
	step := 1
	if s.scatter {
		step = 2
	}
	dirStart := max(nFAT+nDIFAT, s.dirAt)
	var dirChain []int
	for i := 0; i < dirSectors; i++ {
		dirChain = append(dirChain, dirStart+i*step)
	}
	var dataChain []int
	for i := 0; i < dataSectors; i++ {
		dataChain = append(dataChain, dirStart+dirSectors*step+i)
	}
	for _, chain := range [][]int{dirChain, dataChain} {
		for i, sec := range chain {
			fat[sec] = cfbEndOfChain
			if i+1 < len(chain) {
				fat[sec] = uint32(chain[i+1])
			}
		}
	}

	le := binary.LittleEndian
	out := make([]byte, (total+1)*ssz)
	sector := func(n int) []byte { return out[(n+1)*ssz : (n+2)*ssz] }

	h := out[:cfbMinHeader]
	copy(h, magicOLE)
	le.PutUint16(h[0x18:], 0x3E)
	le.PutUint16(h[0x1A:], map[uint16]uint16{9: 3, 12: 4}[s.shift])
	le.PutUint16(h[0x1C:], 0xFFFE)
	le.PutUint16(h[0x1E:], s.shift)
	le.PutUint16(h[0x20:], 6)
	if s.shift == 12 {
		le.PutUint32(h[0x28:], uint32(dirSectors))
	}
	le.PutUint32(h[0x2C:], uint32(nFAT))
	le.PutUint32(h[0x30:], uint32(dirChain[0]))
	le.PutUint32(h[0x38:], 4096)
	le.PutUint32(h[0x3C:], cfbEndOfChain)
	le.PutUint32(h[0x44:], cfbEndOfChain)
	if nDIFAT > 0 {
		le.PutUint32(h[0x44:], uint32(nFAT))
	}
	le.PutUint32(h[0x48:], uint32(nDIFAT))
	for i := 0; i < cfbHeaderDIFAT; i++ {
		v := uint32(freeSect)
		if i < nFAT {
			v = uint32(i)
		}
		le.PutUint32(h[0x4C+4*i:], v)
	}
	for d := 0; d < nDIFAT; d++ {
		sec := sector(nFAT + d)
		for i := 0; i < perDIFAT; i++ {
			v := uint32(freeSect)
			if n := cfbHeaderDIFAT + d*perDIFAT + i; n < nFAT {
				v = uint32(n)
			}
			le.PutUint32(sec[4*i:], v)
		}
		next := uint32(cfbEndOfChain)
		if d+1 < nDIFAT {
			next = uint32(nFAT + d + 1)
		}
		le.PutUint32(sec[4*perDIFAT:], next)
	}
	for i := 0; i < nFAT; i++ {
		sec := sector(i)
		for j := 0; j < perFAT; j++ {
			le.PutUint32(sec[4*j:], fat[i*perFAT+j])
		}
	}

	dir := make([]byte, dirSectors*ssz)
	for i := range len(dir) / cfbEntrySize {
		e := dir[i*cfbEntrySize : (i+1)*cfbEntrySize]
		le.PutUint32(e[0x44:], none)
		le.PutUint32(e[0x48:], none)
		le.PutUint32(e[0x4C:], none)
	}
	streamDone := false
	for i, se := range s.entries {
		e := dir[i*cfbEntrySize : (i+1)*cfbEntrySize]
		units := utf16.Encode([]rune(se.name))
		if len(units) > 31 {
			t.Fatalf("entry name %q too long", se.name)
		}
		for j, u := range units {
			le.PutUint16(e[2*j:], u)
		}
		le.PutUint16(e[0x40:], uint16(2*(len(units)+1)))
		e[0x42] = se.typ
		e[0x43] = 1 // black
		le.PutUint32(e[0x44:], se.left)
		le.PutUint32(e[0x48:], se.right)
		le.PutUint32(e[0x4C:], se.child)
		copy(e[0x50:], se.clsid[:])
		le.PutUint32(e[0x74:], cfbEndOfChain)
		if se.typ == cfbTypeStream && !streamDone && dataSectors > 0 {
			streamDone = true
			le.PutUint32(e[0x74:], uint32(dataChain[0]))
			le.PutUint64(e[0x78:], uint64(s.streamSize))
		}
	}
	for i, sec := range dirChain {
		copy(sector(sec), dir[i*ssz:(i+1)*ssz])
	}
	if dataSectors > 0 {
		// A Word 97 FIB starts with wIdent 0xA5EC.
		first := sector(dataChain[0])
		le.PutUint16(first, 0xA5EC)
	}
	return out
}

// buildDOC is a minimal Word 97-2003 document.
func buildDOC(t testing.TB) []byte {
	return buildCFB(t, cfbSpec{entries: wordEntries(), streamSize: 4096})
}

type zipEntry struct{ name, body string }

func buildZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatalf("zip create %s: %v", e.name, err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatalf("zip write %s: %v", e.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("zip close: %v", err)
	}
	return buf.Bytes()
}

const (
	docxMainType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	docmMainType = "application/vnd.ms-word.document.macroEnabled.main+xml"
)

func contentTypesXML(mainOverride string) string {
	s := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>`
	if mainOverride != "" {
		s += `<Override PartName="/word/document.xml" ContentType="` + mainOverride + `"/>`
	}
	return s + `</Types>`
}

const (
	rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
		`</Relationships>`
	documentXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
		`<w:body><w:p><w:r><w:t>Zoë Šimek, Senior Engineer</w:t></w:r></w:p></w:body></w:document>`
)

// buildDOCX is the smallest package Word opens: content types, the package
// relationship to the main part, and the main document part.
func buildDOCX(t testing.TB, extra ...zipEntry) []byte {
	entries := []zipEntry{
		{"[Content_Types].xml", contentTypesXML(docxMainType)},
		{"_rels/.rels", rootRels},
		{"word/document.xml", documentXML},
	}
	return buildZip(t, append(entries, extra...)...)
}

// buildPE is a DOS header pointing at a PE header for an x86-64 program,
// with the usual DOS stub message in between.
func buildPE() []byte {
	b := make([]byte, 0x200)
	copy(b, "MZ")
	binary.LittleEndian.PutUint16(b[0x02:], 0x90) // bytes on last page
	binary.LittleEndian.PutUint16(b[0x04:], 3)    // pages
	binary.LittleEndian.PutUint16(b[0x08:], 4)    // header paragraphs
	binary.LittleEndian.PutUint32(b[0x3C:], 0x80) // e_lfanew
	copy(b[0x40:], "\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$")
	copy(b[0x80:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(b[0x84:], 0x8664) // machine: AMD64
	binary.LittleEndian.PutUint16(b[0x86:], 1)      // sections
	return b
}

// buildELF is the identification and start of a 64-bit little-endian ELF
// executable header.
func buildELF() []byte {
	b := make([]byte, 64)
	copy(b, "\x7fELF\x02\x01\x01")
	binary.LittleEndian.PutUint16(b[0x10:], 2)    // ET_EXEC
	binary.LittleEndian.PutUint16(b[0x12:], 0x3E) // x86-64
	binary.LittleEndian.PutUint32(b[0x14:], 1)    // version
	return b
}
