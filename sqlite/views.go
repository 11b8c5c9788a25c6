package sqlite

import (
	"context"
	"errors"
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
	return backend.DecodeView(r.Name, r.Conditions, r.CreatedAt.Time, r.UpdatedAt.Time)
}

// SaveView implements store.Store.
func (s *Store) SaveView(ctx context.Context, accountID int64, v store.View) (store.View, error) {
	if err := backend.Check(accountID, v); err != nil {
		return store.View{}, err
	}
	v, text, err := backend.StoredView(v)
	if err != nil {
		return store.View{}, err
	}
	err = s.write(ctx, func(tx *dbtx, now time.Time) error {
		var created dbTime
		if err := tx.GetContext(ctx, &created, upsertView, accountID, v.Name, text, timeValue(now), timeValue(now)); err != nil {
			return err
		}
		v.CreatedAt, v.UpdatedAt = created.Time, now
		return nil
	})
	if err != nil {
		return store.View{}, err
	}
	return v, nil
}

// GetView implements store.Store.
func (s *Store) GetView(ctx context.Context, accountID int64, name string) (store.View, error) {
	if err := backend.Check(accountID, backend.ViewName(name)); err != nil {
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
	rows, err := queryRows[viewRow](ctx, tx, selectView, accountID, name)
	if err != nil {
		return store.View{}, err
	}
	if len(rows) == 0 {
		return store.View{}, backend.ViewNotFound(name)
	}
	return rows[0].toView()
}

// ListViews implements store.Store.
func (s *Store) ListViews(ctx context.Context, accountID int64) ([]store.View, error) {
	if err := convo.ValidateAccountID(accountID); err != nil {
		return nil, err
	}
	var views []store.View
	err := s.read(ctx, func(tx *dbtx) error {
		rows, err := queryRows[viewRow](ctx, tx, selectViews, accountID)
		if err == nil {
			views, err = backend.Convert(rows, viewRow.toView)
		}
		return err
	})
	return views, err
}

// DeleteView implements store.Store.
func (s *Store) DeleteView(ctx context.Context, accountID int64, name string) error {
	if err := backend.Check(accountID, backend.ViewName(name)); err != nil {
		return err
	}
	return s.write(ctx, func(tx *dbtx, _ time.Time) error {
		res, err := tx.ExecContext(ctx, deleteView, accountID, name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return backend.ViewNotFound(name)
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
	conditions, err := backend.ConditionsJSON(v.Conditions)
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
