// Command provider is the example OpenID provider of github.com/zitadel/oidc, unchanged but
// for its directory of users: the file USERS_FILE names is read again at every look-up, so
// that a test can take a user out of a group while they are signed in, and the provider's
// userinfo endpoint and token refreshes answer with what the directory says now (an
// administrator's edit at a real provider). The tests of internal/oidctest run it.
package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/zitadel/oidc/v3/example/server/config"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
)

// directory is the provider's UserStore over a file read at each look-up; a file that cannot
// be read knows no one.
type directory struct{ path string }

func (d directory) load() storage.UserStore {
	s, err := storage.StoreFromFile(d.path)
	if err != nil {
		slog.Error("users file", "error", err)
		return nil
	}
	return s
}

func (d directory) GetUserByID(id string) *storage.User {
	if s := d.load(); s != nil {
		return s.GetUserByID(id)
	}
	return nil
}

func (d directory) GetUserByUsername(username string) *storage.User {
	if s := d.load(); s != nil {
		return s.GetUserByUsername(username)
	}
	return nil
}

func (directory) ExampleClientID() string { return storage.ServiceUserID }

func main() {
	cfg := config.FromEnvVars(&config.Config{Port: "9998"})
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if cfg.UsersFile == "" {
		logger.Error("USERS_FILE is required")
		os.Exit(2)
	}
	issuer := fmt.Sprintf("http://localhost:%s/", cfg.Port)
	// The clients of the example's own main: a confidential web client and a second one for
	// tokens meant for someone else.
	storage.RegisterClients(
		storage.NativeClient("native", cfg.RedirectURI...),
		storage.WebClient("web", "secret", cfg.RedirectURI...),
		storage.WebClient("api", "secret", cfg.RedirectURI...),
	)
	router := exampleop.SetupServer(issuer, storage.NewStorage(directory{cfg.UsersFile}), logger, false)
	server := &http.Server{Addr: "127.0.0.1:" + cfg.Port, Handler: router, ReadHeaderTimeout: 10 * time.Second}
	logger.Info("listening", "issuer", issuer)
	if err := server.ListenAndServe(); err != http.ErrServerClosed {
		logger.Error("server", "error", err)
		os.Exit(1)
	}
}
