package resume

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// Just enough of the Compound File Binary format ([MS-CFB]) to read the
// directory of a legacy Office file. The OLE2 signature only says "some
// Office-era container": Excel workbooks, PowerPoint decks and Windows
// Installer packages share it, so a .doc is recognised by the WordDocument
// stream at the top of its directory, never by its first eight bytes.
const (
	cfbMinHeader    = 512
	cfbEntrySize    = 128
	cfbHeaderDIFAT  = 109 // FAT sector locations held in the header itself
	cfbEndOfChain   = 0xFFFFFFFE
	cfbNoStream     = 0xFFFFFFFF
	cfbTypeStream   = 2
	cfbTypeRoot     = 5
	cfbNameCapacity = 64 // bytes of UTF-16LE, terminator included
)

var errCFBDamaged = errors.New("compound file is damaged")

// cfbEntry is one directory entry.
type cfbEntry struct {
	name               string
	typ                byte
	left, right, child uint32
	clsid              [16]byte
}

// cfbFile is a compound file being read; every index it follows is checked
// against the data, because the file comes from an untrusted upload.
type cfbFile struct {
	data       []byte
	sectorSize int
	numSectors uint32
	fat        []uint32 // where each sector of the allocation table lives
}

// cfbRoot returns the root entry of a compound file and the entries stored
// directly in it (not those inside nested storages, which hold embedded
// objects: a spreadsheet with a Word document pasted in is not a Word file).
func cfbRoot(data []byte) (cfbEntry, []cfbEntry, error) {
	f, err := openCFB(data)
	if err != nil {
		return cfbEntry{}, nil, err
	}
	dir, err := f.directory(binary.LittleEndian.Uint32(data[0x30:]))
	if err != nil {
		return cfbEntry{}, nil, err
	}
	count := uint32(len(dir) / cfbEntrySize)
	if count == 0 {
		return cfbEntry{}, nil, fmt.Errorf("empty directory: %w", errCFBDamaged)
	}
	entry := func(i uint32) cfbEntry { return parseCFBEntry(dir[i*cfbEntrySize : (i+1)*cfbEntrySize]) }
	root := entry(0)
	if root.typ != cfbTypeRoot {
		return cfbEntry{}, nil, fmt.Errorf("first entry is not the root: %w", errCFBDamaged)
	}
	// The children of a storage form a tree linked through left and right
	// siblings; walk all of it, refusing links out of range and cycles.
	var children []cfbEntry
	seen := make(map[uint32]bool)
	stack := []uint32{root.child}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if id == cfbNoStream {
			continue
		}
		if id == 0 || id >= count || seen[id] {
			return cfbEntry{}, nil, fmt.Errorf("bad directory link %d: %w", id, errCFBDamaged)
		}
		seen[id] = true
		e := entry(id)
		children = append(children, e)
		stack = append(stack, e.left, e.right)
	}
	return root, children, nil
}

func openCFB(data []byte) (*cfbFile, error) {
	if len(data) < cfbMinHeader {
		return nil, fmt.Errorf("shorter than its header: %w", errCFBDamaged)
	}
	if !bytes.Equal(data[0x1C:0x1E], []byte{0xFE, 0xFF}) {
		return nil, fmt.Errorf("bad byte order mark: %w", errCFBDamaged)
	}
	shift := binary.LittleEndian.Uint16(data[0x1E:])
	if shift != 9 && shift != 12 { // 512-byte (version 3) or 4096-byte (version 4) sectors
		return nil, fmt.Errorf("sector shift %d: %w", shift, errCFBDamaged)
	}
	f := &cfbFile{data: data, sectorSize: 1 << shift}
	if len(data) <= f.sectorSize {
		return nil, fmt.Errorf("no sectors after the header: %w", errCFBDamaged)
	}
	// Sector n starts at (n+1)*sectorSize; a short last sector is tolerated.
	f.numSectors = uint32((len(data) - 1) / f.sectorSize)

	numFAT := binary.LittleEndian.Uint32(data[0x2C:])
	if numFAT == 0 || numFAT > f.numSectors {
		return nil, fmt.Errorf("%d allocation table sectors: %w", numFAT, errCFBDamaged)
	}
	f.fat = make([]uint32, 0, numFAT)
	for i := 0; i < cfbHeaderDIFAT && uint32(len(f.fat)) < numFAT; i++ {
		f.fat = append(f.fat, binary.LittleEndian.Uint32(data[0x4C+4*i:]))
	}
	// Larger files list the rest of their FAT sectors in a chain of DIFAT
	// sectors, each ending with the location of the next.
	perDIFAT := f.sectorSize/4 - 1
	next := binary.LittleEndian.Uint32(data[0x44:])
	for steps := uint32(0); uint32(len(f.fat)) < numFAT; steps++ {
		if steps > f.numSectors {
			return nil, fmt.Errorf("DIFAT chain loops: %w", errCFBDamaged)
		}
		sec, err := f.sector(next)
		if err != nil {
			return nil, fmt.Errorf("DIFAT sector: %w", err)
		}
		for i := 0; i < perDIFAT && uint32(len(f.fat)) < numFAT; i++ {
			f.fat = append(f.fat, binary.LittleEndian.Uint32(sec[4*i:]))
		}
		next = binary.LittleEndian.Uint32(sec[4*perDIFAT:])
	}
	for _, loc := range f.fat {
		if loc >= f.numSectors {
			return nil, fmt.Errorf("allocation table sector %d out of range: %w", loc, errCFBDamaged)
		}
	}
	return f, nil
}

// sector returns the bytes of sector n, zero-padded if the file ends early.
func (f *cfbFile) sector(n uint32) ([]byte, error) {
	if n >= f.numSectors {
		return nil, fmt.Errorf("sector %d out of range: %w", n, errCFBDamaged)
	}
	off := (int(n) + 1) * f.sectorSize
	if end := off + f.sectorSize; end <= len(f.data) {
		return f.data[off:end], nil
	}
	buf := make([]byte, f.sectorSize)
	copy(buf, f.data[off:])
	return buf, nil
}

// next follows the allocation table from sector n to the next sector of
// the same chain.
func (f *cfbFile) next(n uint32) (uint32, error) {
	perFAT := uint32(f.sectorSize / 4)
	idx := n / perFAT
	if idx >= uint32(len(f.fat)) {
		return 0, fmt.Errorf("sector %d beyond the allocation table: %w", n, errCFBDamaged)
	}
	sec, err := f.sector(f.fat[idx])
	if err != nil {
		return 0, fmt.Errorf("allocation table: %w", err)
	}
	return binary.LittleEndian.Uint32(sec[4*(n%perFAT):]), nil
}

// directory concatenates the chain of directory sectors starting at first.
func (f *cfbFile) directory(first uint32) ([]byte, error) {
	var dir []byte
	for s, steps := first, uint32(0); s != cfbEndOfChain; steps++ {
		if steps >= f.numSectors {
			return nil, fmt.Errorf("directory chain loops: %w", errCFBDamaged)
		}
		sec, err := f.sector(s)
		if err != nil {
			return nil, fmt.Errorf("directory: %w", err)
		}
		dir = append(dir, sec...)
		if s, err = f.next(s); err != nil {
			return nil, err
		}
	}
	return dir, nil
}

func parseCFBEntry(b []byte) cfbEntry {
	e := cfbEntry{
		typ:   b[0x42],
		left:  binary.LittleEndian.Uint32(b[0x44:]),
		right: binary.LittleEndian.Uint32(b[0x48:]),
		child: binary.LittleEndian.Uint32(b[0x4C:]),
	}
	copy(e.clsid[:], b[0x50:0x60])
	// The stored length counts bytes including the UTF-16 terminator.
	n := int(binary.LittleEndian.Uint16(b[0x40:]))
	n = min(n, cfbNameCapacity)/2 - 1
	if n > 0 {
		units := make([]uint16, n)
		for i := range units {
			units[i] = binary.LittleEndian.Uint16(b[2*i:])
		}
		e.name = string(utf16.Decode(units))
	}
	return e
}

// msiCLSID is the class of Windows Installer databases (.msi); the second
// byte onwards is shared by transforms (.mst, 82) and patches (.msp, 86).
var msiCLSID = [16]byte{0x84, 0x10, 0x0C, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46}

// detectOLE accepts a compound file only when it is a Word document, and
// otherwise names what it is.
func detectOLE(data []byte) (Kind, error) {
	root, entries, err := cfbRoot(data)
	if err != nil {
		return KindUnknown, unsupported("a damaged Office (OLE) file")
	}
	has := func(name string) bool {
		for _, e := range entries {
			if e.typ == cfbTypeStream && strings.EqualFold(e.name, name) {
				return true
			}
		}
		return false
	}
	switch {
	case has("WordDocument"):
		return KindDOC, nil
	case has("EncryptedPackage"):
		return KindUnknown, unsupported("a password-protected Office document; remove the password and upload it again")
	case has("Workbook"), has("Book"):
		return KindUnknown, unsupported("an Excel workbook (.xls)")
	case has("PowerPoint Document"):
		return KindUnknown, unsupported("a PowerPoint presentation (.ppt)")
	case isInstaller(root.clsid):
		return KindUnknown, unsupported("a Windows Installer package")
	}
	return KindUnknown, unsupported("an OLE compound file that is not a Word document")
}

func isInstaller(clsid [16]byte) bool {
	switch clsid[0] {
	case 0x82, 0x84, 0x86:
		return bytes.Equal(clsid[1:], msiCLSID[1:])
	}
	return false
}
