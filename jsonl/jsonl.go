package jsonl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// Version is the format version this package writes and reads.
const Version = 1

// MaxLineLength is the longest line a Reader accepts, in bytes: room for a
// message of the largest content, attributes and attachments.
const MaxLineLength = 8 << 20

// Header is the first line of an export.
type Header struct {
	Type      string `json:"type"` // TypeHeader
	Version   int    `json:"version"`
	AccountID int64  `json:"account_id"` // the account exported
}

// Export writes the account's records to w as JSON Lines: the header, then
// one line per record in the order of store.Store.Export. The same
// account exports to the same bytes.
func Export(ctx context.Context, w io.Writer, s store.Store, accountID int64) error {
	bw := bufio.NewWriter(w)
	jw, err := NewWriter(bw, accountID)
	if err != nil {
		return err
	}
	if err := s.Export(ctx, accountID, jw.Write); err != nil {
		return err
	}
	return bw.Flush()
}

// Import reads an export from r into the account, in one transaction
// (store.Store.Import): everything or, on any error, nothing. The account
// need not be the one the header names; with opts.NewIDs the records get
// new ids, so that they load beside rows the account has.
func Import(ctx context.Context, r io.Reader, s store.Store, accountID int64, opts store.ImportOptions) (store.ImportStats, error) {
	jr, err := NewReader(r)
	if err != nil {
		return store.ImportStats{}, err
	}
	return s.Import(ctx, accountID, jr.Records(), opts)
}

// Writer writes an export, one record at a time.
type Writer struct {
	enc *json.Encoder
}

// NewWriter writes the header of an export of the account to w.
func NewWriter(w io.Writer, accountID int64) (*Writer, error) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Header{Type: TypeHeader, Version: Version, AccountID: accountID}); err != nil {
		return nil, err
	}
	return &Writer{enc: enc}, nil
}

// Write writes one record as one line.
func (w *Writer) Write(rec store.Record) error {
	switch rec.Kind() {
	case store.KindContact:
		return w.enc.Encode(fromContact(rec.Contact))
	case store.KindConversation:
		return w.enc.Encode(fromConversation(rec.Conversation))
	case store.KindMessage:
		return w.enc.Encode(fromMessage(rec.Message))
	case store.KindReaction:
		return w.enc.Encode(fromReaction(rec.Reaction))
	case store.KindVersion:
		return w.enc.Encode(fromVersion(rec.Version))
	case store.KindReadState:
		return w.enc.Encode(fromReadState(rec.ReadState))
	case store.KindView:
		return w.enc.Encode(fromView(rec.View))
	case store.KindRedirect:
		return w.enc.Encode(fromRedirect(rec.Redirect))
	}
	return rec.Validate() // names what is wrong with a record of no one kind
}

// Reader reads an export.
type Reader struct {
	sc     *bufio.Scanner
	line   int
	header Header
}

// NewReader reads and checks the header line of an export. A missing or
// bad header, or another version, is a *convo.ValidationError on "line 1".
func NewReader(r io.Reader) (*Reader, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineLength)
	jr := &Reader{sc: sc}
	text, err := jr.next()
	if err != nil {
		return nil, err
	}
	if text == nil {
		return nil, convo.Invalid("line 1", convo.CodeRequired, "an export starts with its header line")
	}
	if err := strictDecode(text, &jr.header); err != nil || jr.header.Type != TypeHeader {
		return nil, jr.invalid("", convo.CodeInvalid, `is not a convo export header {"type":"convo-export","version":1,...}`)
	}
	if jr.header.Version != Version {
		return nil, jr.invalid("version", convo.CodeUnknown, fmt.Sprintf("version %d; this convo reads version %d", jr.header.Version, Version))
	}
	return jr, nil
}

// Header is the export's header line.
func (r *Reader) Header() Header { return r.header }

// Records yields the records that follow the header, each with its Line.
// A line that is not a record is yielded once as a *convo.ValidationError
// naming it, and ends the sequence. Blank lines are skipped. Records reads
// r once: range over it once.
func (r *Reader) Records() iter.Seq2[store.Record, error] {
	return func(yield func(store.Record, error) bool) {
		for {
			text, err := r.next()
			if err != nil {
				yield(store.Record{}, err)
				return
			}
			if text == nil {
				return
			}
			rec, err := r.decode(text)
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

// next returns the next line that is not blank, or nil at the end.
func (r *Reader) next() ([]byte, error) {
	for r.sc.Scan() {
		r.line++
		if text := bytes.TrimSpace(r.sc.Bytes()); len(text) > 0 {
			return text, nil
		}
	}
	switch err := r.sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		r.line++
		return nil, r.invalid("", convo.CodeTooLong, fmt.Sprintf("is longer than %d bytes", MaxLineLength))
	case err != nil:
		return nil, err
	}
	return nil, nil
}

// decode turns one line into a record.
func (r *Reader) decode(text []byte) (store.Record, error) {
	var probe struct {
		Type string `json:"type"`
	}
	if t, ok := leadingType(text); ok {
		probe.Type = t
	} else if err := json.Unmarshal(text, &probe); err != nil {
		return store.Record{}, r.invalid("", convo.CodeInvalid, "is not a JSON object: "+jsonMessage(err))
	}
	var line interface{ record() store.Record }
	switch probe.Type {
	case TypeContact:
		line = &contactLine{}
	case TypeConversation:
		line = &conversationLine{}
	case TypeMessage:
		line = &messageLine{}
	case TypeReaction:
		line = &reactionLine{}
	case TypeVersion:
		line = &versionLine{}
	case TypeReadState:
		line = &readStateLine{}
	case TypeView:
		line = &viewLine{}
	case TypeRedirect:
		line = &redirectLine{}
	case "":
		return store.Record{}, r.invalid("type", convo.CodeRequired, "is required: contact, conversation, message, reaction, message_version, read_state, view or conversation_redirect")
	default:
		return store.Record{}, r.invalid("type", convo.CodeUnknown, fmt.Sprintf("unknown type %q", probe.Type))
	}
	if err := strictDecode(text, line); err != nil {
		if err := json.Unmarshal(text, &probe); err != nil { // not JSON at all, after a leading type
			return store.Record{}, r.invalid("", convo.CodeInvalid, "is not a JSON object: "+jsonMessage(err))
		}
		return store.Record{}, r.invalid(probe.Type+"s", convo.CodeInvalid, jsonMessage(err))
	}
	rec := line.record()
	rec.Line = r.line
	return rec, nil
}

// leadingType reads the type of a line that starts {"type":"...", as every
// line Writer writes does, without decoding it twice: the strict decode
// that follows checks the whole line. Any other line is decoded to learn
// its type.
func leadingType(text []byte) (string, bool) {
	rest, ok := bytes.CutPrefix(text, []byte(`{"type":"`))
	if !ok {
		return "", false
	}
	end := bytes.IndexByte(rest, '"')
	if end < 0 || bytes.IndexByte(rest[:end], '\\') >= 0 {
		return "", false
	}
	return string(rest[:end]), true
}

// invalid is a *convo.ValidationError on the current line.
func (r *Reader) invalid(field, code, message string) error {
	name := fmt.Sprintf("line %d", r.line)
	if field != "" {
		name += ": " + field
	}
	return convo.Invalid(name, code, message)
}

// strictDecode decodes one JSON object, refusing unknown fields and
// anything after the object.
func strictDecode(text []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("json: data after the object")
	}
	return nil
}

// jsonMessage drops encoding/json's package prefix.
func jsonMessage(err error) string { return strings.TrimPrefix(err.Error(), "json: ") }
