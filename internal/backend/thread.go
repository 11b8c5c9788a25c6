package backend

import (
	"errors"
	"fmt"
	"time"

	"github.com/convokit/convo"
)

// ReplyParent resolves the message in replies to, with find, which looks
// a message of the account up by id, or by source id when id is 0, and
// returns its conversation, id and source id (convo.ErrNotFound when
// none). It returns 0 when in is not a reply. The parent must be a
// message of conversationID: another is ErrInvalid naming the field that
// named it. An unknown ReplyToID is ErrInvalid too; an unknown
// ReplyToSourceID alone makes no reply, as a channel quotes messages the
// store may never have had. Given both, they must name one message.
func ReplyParent(in convo.NewMessage, conversationID int64,
	find func(id int64, sourceID string) (conversation, parent int64, parentSource string, err error)) (int64, error) {
	field := "reply_to_id"
	if in.ReplyToID == 0 {
		if in.ReplyToSourceID == "" {
			return 0, nil
		}
		field = "reply_to_source_id"
	}
	conv, parent, source, err := find(in.ReplyToID, in.ReplyToSourceID)
	switch {
	case errors.Is(err, convo.ErrNotFound) && in.ReplyToID == 0:
		return 0, nil
	case errors.Is(err, convo.ErrNotFound) || err == nil && conv != conversationID:
		return 0, convo.Invalid(field, convo.CodeInvalid, "is not a message of the conversation")
	case err != nil:
		return 0, err
	case in.ReplyToID != 0 && in.ReplyToSourceID != "" && source != in.ReplyToSourceID:
		return 0, convo.Invalid("reply_to_source_id", convo.CodeMismatch, "names another message than reply_to_id")
	}
	return parent, nil
}

// Tombstone is m as DeleteMessage leaves it at now: what it said and
// what was kept of it wiped, the rest as it was.
func Tombstone(m convo.Message, now time.Time) convo.Message {
	m.Content = ""
	m.ContentAttributes, m.Attachments, m.AdditionalAttributes = nil, nil, nil
	m.Reactions, m.OwnReactions = nil, nil
	m.EditCount, m.EditedAt = 0, time.Time{}
	m.ExternalError = ""
	m.DeletedAt, m.UpdatedAt = now, now
	return m
}

// CheckReaction checks the arguments of AddReaction and RemoveReaction.
func CheckReaction(accountID, messageID int64, by convo.Actor, reaction string) error {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return err
	}
	return convo.Reaction{MessageID: messageID, Reaction: reaction, By: by}.Validate()
}

// CheckReactionAdded reports why m does not take a new reaction: a
// tombstone, or one kind too many.
func CheckReactionAdded(m convo.Message, reaction string) error {
	if m.Deleted() {
		return convo.Invalid("message_id", convo.CodeDeleted, "the message is deleted")
	}
	if _, ok := m.Reactions[reaction]; !ok && len(m.Reactions) >= convo.MaxReactionKinds {
		return convo.Invalid("reaction", convo.CodeOutOfRange,
			fmt.Sprintf("a message takes at most %d different reactions", convo.MaxReactionKinds))
	}
	return nil
}
