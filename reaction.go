package convo

import (
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
)

// Actor is who acts on a message: a user of the host (Type SenderUser,
// with UserID), the conversation's contact (SenderContact) or the system
// (SenderSystem: a bot or an integration; it may edit, not react).
type Actor struct {
	Type   SenderType `json:"type"`
	UserID uuid.UUID  `json:"user_id,omitzero"`
}

// UserActor is the user id acting.
func UserActor(id uuid.UUID) Actor { return Actor{Type: SenderUser, UserID: id} }

// ContactActor is the conversation's contact acting.
func ContactActor() Actor { return Actor{Type: SenderContact} }

// SystemActor is the system acting.
func SystemActor() Actor { return Actor{Type: SenderSystem} }

// actor checks a: a known type, a user id exactly when a user acts.
func (p *problems) actor(field string, a Actor) {
	if a.Type == "" {
		p.add(field+".type", CodeRequired, "is required")
		return
	}
	p.enum(field+".type", a.Type, string(a.Type))
	switch {
	case a.Type == SenderUser && a.UserID == uuid.Nil:
		p.add(field+".user_id", CodeRequired, "is required when a user acts")
	case a.Type != SenderUser && a.UserID != uuid.Nil:
		p.add(field+".user_id", CodeMismatch, "is only allowed when a user acts")
	}
}

// Reaction is one reactor's reaction to a message. A reactor has at most
// one of each reaction on a message.
type Reaction struct {
	MessageID int64     `json:"message_id"`
	Reaction  string    `json:"reaction"`
	By        Actor     `json:"by"`
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// Validate reports a bad reaction as a *ValidationError: see
// ValidateReaction; By must be a user or the contact.
func (r Reaction) Validate() error {
	var p problems
	p.requiredID("message_id", r.MessageID)
	p.reaction("reaction", r.Reaction)
	p.actor("by", r.By)
	if r.By.Type == SenderSystem {
		p.add("by.type", CodeInvalid, "a reaction is by a user or the contact")
	}
	p.time("created_at", r.CreatedAt)
	return p.err()
}

// ValidateReaction reports a bad reaction text as a *ValidationError on
// field "reaction". A reaction is an emoji ("👍", "👍🏽") or a short token
// (":+1:", "thumbs_up"): 1 to MaxReactionLength bytes of UTF-8 with no
// space or control character. It is stored as given: "👍" and ":+1:" are
// two reactions.
func ValidateReaction(reaction string) error {
	var p problems
	p.reaction("reaction", reaction)
	return p.err()
}

func (p *problems) reaction(field, s string) {
	switch {
	case s == "":
		p.add(field, CodeRequired, "is required")
	case !p.text(field, s, MaxReactionLength):
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		p.add(field, CodeInvalid, "must not contain spaces or control characters")
	}
}

// MessageVersion is a message's content as it was before one edit: edit
// number Version (from 1) replaced Content at EditedAt, made by EditedBy.
// A message's versions are its edit history; its current content is on
// the message.
type MessageVersion struct {
	MessageID int64     `json:"message_id"`
	Version   int       `json:"version"`
	Content   string    `json:"content"`
	EditedAt  time.Time `json:"edited_at,omitzero"`
	EditedBy  Actor     `json:"edited_by"`
}

// Validate reports a bad version as a *ValidationError.
func (v MessageVersion) Validate() error {
	var p problems
	p.requiredID("message_id", v.MessageID)
	if v.Version < 1 || v.Version > MaxEdits {
		p.add("version", CodeOutOfRange, "must be between 1 and %d", MaxEdits)
	}
	p.text("content", v.Content, MaxContentLength)
	p.requiredTime("edited_at", v.EditedAt)
	p.actor("edited_by", v.EditedBy)
	return p.err()
}
