package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Saved custom views, one row each in convo_views, their conditions as
// JSON.

const (
	upsertView = `INSERT INTO convo_views (account_id, name, conditions, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (account_id, name) DO UPDATE SET conditions = excluded.conditions, updated_at = excluded.updated_at
RETURNING created_at`
	selectView  = `SELECT name, conditions, created_at, updated_at FROM convo_views WHERE account_id = ? AND name = ?`
	selectViews = `SELECT name, conditions, created_at, updated_at FROM convo_views WHERE account_id = ? ORDER BY name`
	deleteView  = `DELETE FROM convo_views WHERE account_id = ? AND name = ?`
	importView  = `INSERT INTO convo_views (account_id, name, conditions, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`
)

// viewRow is a row of convo_views.
type viewRow struct {
	Name       string `db:"name"`
	Conditions string `db:"conditions"`
	CreatedAt  dbTime `db:"created_at"`
	UpdatedAt  dbTime `db:"updated_at"`
}

func (r *viewRow) dest() []any { return []any{&r.Name, &r.Conditions, &r.CreatedAt, &r.UpdatedAt} }

func (r viewRow) toView() (store.View, error) {
	v := store.View{Name: r.Name, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
	if err := json.Unmarshal([]byte(r.Conditions), &v.Conditions); err != nil {
		return v, fmt.Errorf("sqlite: view %q: conditions: %w", r.Name, err)
	}
	return v, nil
}

// conditionsJSON is how a view's conditions are stored.
func conditionsJSON(list []store.Condition) (string, error) {
	b, err := json.Marshal(list)
	return string(b), err
}

// SaveView implements store.Store.
func (s *Store) SaveView(ctx context.Context, accountID int64, v store.View) (store.View, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return store.View{}, err
	}
	if err := v.Validate(); err != nil {
		return store.View{}, err
	}
	conditions, err := conditionsJSON(v.Conditions)
	if err != nil {
		return store.View{}, err
	}
	saved := store.View{Name: v.Name, Conditions: v.Conditions}
	err = s.write(ctx, func(tx *dbtx, now time.Time) error {
		var created dbTime
		if err := tx.GetContext(ctx, &created, upsertView, accountID, v.Name, conditions, timeValue(now), timeValue(now)); err != nil {
			return err
		}
		saved.CreatedAt, saved.UpdatedAt = created.Time, now
		return nil
	})
	if err != nil {
		return store.View{}, err
	}
	return saved, nil
}

// GetView implements store.Store.
func (s *Store) GetView(ctx context.Context, accountID int64, name string) (store.View, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return store.View{}, err
	}
	if err := store.ValidateViewName(name); err != nil {
		return store.View{}, err
	}
	var v store.View
	err := s.read(ctx, func(tx *dbtx) error {
		var err error
		v, err = getView(ctx, tx, accountID, name)
		return err
	})
	return v, err
}

// getView reads a view by name; a missing one is ErrNotFound.
func getView(ctx context.Context, tx *dbtx, accountID int64, name string) (store.View, error) {
	var r viewRow
	if err := tx.GetContext(ctx, &r, selectView, accountID, name); err != nil {
		return store.View{}, fmt.Errorf("view %q: %w", name, translate(err))
	}
	return r.toView()
}

// ListViews implements store.Store.
func (s *Store) ListViews(ctx context.Context, accountID int64) ([]store.View, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return nil, err
	}
	var views []store.View
	err := s.read(ctx, func(tx *dbtx) error {
		var err error
		views, err = listViews(ctx, tx, accountID)
		return err
	})
	return views, err
}

// listViews reads the account's views by name.
func listViews(ctx context.Context, tx *dbtx, accountID int64) ([]store.View, error) {
	var rows []viewRow
	if err := tx.SelectContext(ctx, &rows, selectViews, accountID); err != nil {
		return nil, err
	}
	views := make([]store.View, 0, len(rows))
	for _, r := range rows {
		v, err := r.toView()
		if err != nil {
			return nil, err
		}
		views = append(views, v)
	}
	return views, nil
}

// DeleteView implements store.Store.
func (s *Store) DeleteView(ctx context.Context, accountID int64, name string) error {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return err
	}
	if err := store.ValidateViewName(name); err != nil {
		return err
	}
	return s.write(ctx, func(tx *dbtx, _ time.Time) error {
		res, err := tx.ExecContext(ctx, deleteView, accountID, name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("view %q: %w", name, convo.ErrNotFound)
		}
		return nil
	})
}

// View imports a view record: a new name is stored as given, one stored
// already must be stored exactly so.
func (im *importer) View(v store.View) error {
	stored, err := getView(im.ctx, im.tx, im.accountID, v.Name)
	switch {
	case err == nil:
		return backend.UnchangedView(im.stats, stored, v)
	case !errors.Is(err, convo.ErrNotFound):
		return err
	}
	conditions, err := conditionsJSON(v.Conditions)
	if err != nil {
		return err
	}
	if _, err := im.tx.ExecContext(im.ctx, importView, im.accountID, v.Name, conditions, timeValue(v.CreatedAt),
		timeValue(v.UpdatedAt)); err != nil {
		return err
	}
	im.stats.Views++
	return nil
}
