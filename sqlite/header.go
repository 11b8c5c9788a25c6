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
// than the size its header declares was truncated. It only reads.
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
	if current && pages > 0 && size < pages*pageSize {
		return fmt.Errorf("%w: %s holds %d bytes, its header declares %d", convo.ErrCorrupt, path, size, pages*pageSize)
	}
	return nil
}
