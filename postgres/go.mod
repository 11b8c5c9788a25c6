module github.com/convokit/convo/postgres

go 1.26.0

require (
	github.com/convokit/convo v0.0.0
	github.com/google/uuid v1.6.0
	github.com/jackc/pgx/v5 v5.13.0
	github.com/matryer/is v1.4.1
)

require (
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)

// Until convo's first release, the backend builds against the convo beside
// it (go.work at the repository's root does the same for development).
replace github.com/convokit/convo => ../
