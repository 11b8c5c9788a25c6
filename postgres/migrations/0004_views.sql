-- Custom views (Store.SaveView): Chatwoot's saved conversation filters, by
-- name in each account. A list reads a view's conditions by its name
-- (ConversationFilter.View) and resolves them at its own time, so that
-- days_before moves with the clock.

CREATE TABLE convo_views (
    account_id bigint      NOT NULL,
    name       text        COLLATE "C" NOT NULL, -- compared exactly, listed in byte order
    conditions jsonb       NOT NULL,             -- []store.Condition in Chatwoot's form
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, name)
);
