package backend

import (
	"fmt"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// CheckBatch checks the arguments of AddMessages.
func CheckBatch(accountID int64, batch []store.MessageTo) error {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return err
	}
	if len(batch) == 0 {
		// Nothing to add is a mistake of the caller's (a batch built from a
		// filter that matched nothing, say), not a call that succeeds.
		return convo.Invalid("messages", convo.CodeRequired, "give at least one message")
	}
	if len(batch) > store.MaxBatch {
		return convo.Invalid("messages", convo.CodeOutOfRange, fmt.Sprintf("at most %d messages in one batch", store.MaxBatch))
	}
	return nil
}

// UpdatedMessage is message old with up applied at now, before it is
// stored, and, when up edits its content, the version that keeps the
// content it replaces; or why up does not apply to it.
func UpdatedMessage(old convo.Message, up convo.MessageUpdate, now time.Time) (convo.Message, *convo.MessageVersion, error) {
	if err := up.ValidateUpdate(old); err != nil {
		return convo.Message{}, nil, err
	}
	m := up.Apply(old)
	m.WrittenAt = StoredTime(m.WrittenAt)
	m.UpdatedAt = now
	if !up.Edits(old) {
		return m, nil, nil
	}
	m.EditCount, m.EditedAt = old.EditCount+1, now
	return m, &convo.MessageVersion{MessageID: old.ID, Version: m.EditCount, Content: old.Content,
		EditedAt: now, EditedBy: up.Editor(old)}, nil
}
