package backend

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/store"
)

// Saved views are stored as a row each, their conditions as the JSON of
// their Chatwoot form (store.Condition's MarshalJSON).

// DecodeView is the view stored under name, with the JSON text of its
// conditions and its times.
func DecodeView(name, conditions string, created, updated time.Time) (store.View, error) {
	v := store.View{Name: name, CreatedAt: created, UpdatedAt: updated}
	if err := json.Unmarshal([]byte(conditions), &v.Conditions); err != nil {
		return v, fmt.Errorf("%w: view %q: stored conditions: %v", convo.ErrCorrupt, name, err)
	}
	return v, nil
}

// ConditionsJSON is the stored form of a view's conditions.
func ConditionsJSON(list []store.Condition) (string, error) {
	b, err := json.Marshal(list)
	if err != nil {
		return "", fmt.Errorf("convo: encode view conditions: %w", err)
	}
	return string(b), nil
}

// StoredView is v as it reads back once stored, with the stored form of
// its conditions: its times in the store's precision, its conditions as
// their JSON reads (no values is nil).
func StoredView(v store.View) (store.View, string, error) {
	text, err := ConditionsJSON(v.Conditions)
	if err != nil {
		return v, "", err
	}
	v.Conditions = nil
	if err := json.Unmarshal([]byte(text), &v.Conditions); err != nil {
		return v, "", err
	}
	v.CreatedAt, v.UpdatedAt = StoredTime(v.CreatedAt), StoredTime(v.UpdatedAt)
	return v, text, nil
}

// ViewName is the name of GetView and DeleteView, checked by Validate.
type ViewName string

// Validate implements the input of Check.
func (n ViewName) Validate() error { return store.ValidateViewName(string(n)) }

// ViewNotFound is the error of a name the account has no view of.
func ViewNotFound(name string) error { return fmt.Errorf("view %q: %w", name, convo.ErrNotFound) }
