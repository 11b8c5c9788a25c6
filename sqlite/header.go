package sqlite

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"github.com/convokit/convo"
)

// checkHeader reads the 100-byte SQLite header of an existing, non-empty
// file: a file without the SQLite magic is not a database, and one shorter
// than the size its header declares was truncated, unless its write-ahead
// log holds frames. A checkpoint writes page 1 among the first, so a crash
// or a full disk in its middle leaves the file shorter than page 1 says
// while the log still holds every page: SQLite reads those from the log
// and finishes the checkpoint later, and damage it cannot mend is found
// when a call reads it (ErrCorrupt). It only reads.
func checkHeader(path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("convo: open %s: %w", path, err)
	}
	defer f.Close()
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil || !bytes.HasPrefix(h[:], []byte("SQLite format 3\x00")) {
		return fmt.Errorf("%w: %s has no SQLite header", convo.ErrNotDatabase, path)
	}
	pageSize := int64(binary.BigEndian.Uint16(h[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(h[28:32]))
	// The page count is only trusted when the header says it is current.
	current := binary.BigEndian.Uint32(h[24:28]) == binary.BigEndian.Uint32(h[92:96])
	if current && pages > 0 && size < pages*pageSize && !walHasFrames(path) {
		return fmt.Errorf("%w: %s holds %d bytes, its header declares %d", convo.ErrCorrupt, path, size, pages*pageSize)
	}
	return nil
}

// walHasFrames reports whether path's write-ahead log holds at least one
// frame: a header of 32 bytes with the log's magic number, and more.
func walHasFrames(path string) bool {
	f, err := os.Open(path + "-wal")
	if err != nil {
		return false
	}
	defer f.Close()
	var h [32]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return false
	}
	if magic := binary.BigEndian.Uint32(h[:4]); magic&^1 != 0x377f0682 {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Size() > int64(len(h))
}
