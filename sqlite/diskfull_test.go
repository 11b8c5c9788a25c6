package sqlite_test

func diskFullChild() error { return nil }
