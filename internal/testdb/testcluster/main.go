// Command testcluster starts and stops the throwaway PostgreSQL cluster of `make test`:
//
//	testcluster start DIR   prints the admin URL for TEST_DATABASE_URL
//	testcluster stop DIR
package main

import (
	"context"
	"fmt"
	"os"

	"kycportal/internal/pgcluster"
)

func main() {
	if len(os.Args) != 3 || (os.Args[1] != "start" && os.Args[1] != "stop") {
		fmt.Fprintln(os.Stderr, "usage: testcluster start|stop DIR")
		os.Exit(2)
	}
	ctx := context.Background()
	// Durability is off: the cluster lives for one test run.
	c, err := pgcluster.Start(ctx, os.Args[2], pgcluster.Options{Fast: true, Port: 5434,
		// Parallel test packages each hold pools of up to 16 connections (the store's
		// floor, docs/deploy.md); PostgreSQL's default of 100 would refuse some.
		Settings: []string{"max_connections=400"}})
	if err == nil && os.Args[1] == "stop" {
		err = c.Stop(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "testcluster:", err)
		os.Exit(1)
	}
	if os.Args[1] == "start" {
		fmt.Println(c.URL("postgres"))
	}
}
