package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo"
	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// Saved views: a row each, its conditions as the JSON of their Chatwoot
// form (store.Condition's MarshalJSON).

const (
	viewColumns = `name, conditions::text, created_at, updated_at`

	// saveView writes a view, keeping the CreatedAt of the one it
	// replaces. $4 is the time of the call.
	saveView = `INSERT INTO convo_views (account_id, name, conditions, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
ON CONFLICT (account_id, name) DO UPDATE SET conditions = excluded.conditions, updated_at = excluded.updated_at
RETURNING created_at`
	selectView  = `SELECT ` + viewColumns + ` FROM convo_views WHERE account_id = $1 AND name = $2`
	selectViews = `SELECT ` + viewColumns + ` FROM convo_views WHERE account_id = $1 ORDER BY name`
	deleteView  = `DELETE FROM convo_views WHERE account_id = $1 AND name = $2`
	// importView writes a view with the times of its record.
	importView = `INSERT INTO convo_views (account_id, name, conditions, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)`
)

// viewRow is a row of viewColumns.
type viewRow struct {
	Name       string
	Conditions string
	CreatedAt  dbTime
	UpdatedAt  dbTime
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
	err = s.write(ctx, accountID, func(tx *wtx, now time.Time) error {
		v.UpdatedAt = now
		var created dbTime
		if err := tx.QueryRow(ctx, saveView, accountID, v.Name, text, now).Scan(&created); err != nil {
			return err
		}
		v.CreatedAt = created.Time
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
	err := s.read(ctx, func(tx pgx.Tx) (err error) {
		v, err = getView(ctx, tx, accountID, name)
		return err
	})
	return v, err
}

// getView reads the account's view of that name.
func getView(ctx context.Context, tx pgx.Tx, accountID int64, name string) (store.View, error) {
	rows, err := queryRows[viewRow](ctx, tx, 1, selectView, accountID, name)
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
	views := []store.View{}
	err := s.read(ctx, func(tx pgx.Tx) error {
		views = views[:0]
		return eachRow(ctx, tx, selectViews, []any{accountID}, func(r viewRow) error {
			v, err := r.toView()
			views = append(views, v)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return views, nil
}

// DeleteView implements store.Store.
func (s *Store) DeleteView(ctx context.Context, accountID int64, name string) error {
	if err := backend.Check(accountID, backend.ViewName(name)); err != nil {
		return err
	}
	return s.write(ctx, accountID, func(tx *wtx, _ time.Time) error {
		tag, err := tx.Exec(ctx, deleteView, accountID, name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return backend.ViewNotFound(name)
		}
		return nil
	})
}

// viewConditions reads the conditions of the account's view of that name,
// for a list by it.
func viewConditions(ctx context.Context, tx pgx.Tx, accountID int64, name string) ([]store.Condition, error) {
	v, err := getView(ctx, tx, accountID, name)
	return v.Conditions, err
}
