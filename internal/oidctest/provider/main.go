// Command provider is the example OpenID provider of github.com/zitadel/oidc, unchanged but
// for two additions a bank's provider has and the example lacks:
//
//   - its directory of users: the file USERS_FILE names is read again at every look-up, so
//     that a test can take a user out of a group while they are signed in, and the
//     provider's userinfo endpoint and token refreshes answer with what the directory says
//     now (an administrator's edit at a real provider);
//   - back-channel logout: when a user signs out at the provider's end-session endpoint, a
//     logout token (zitadel's LogoutTokenClaims, signed with the provider's own published
//     key) is posted to the address the file BACKCHANNEL_LOGOUT_FILE holds, if any.
//
// The tests of internal/oidctest run it.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/zitadel/oidc/v3/example/server/config"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/crypto"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
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

// backchannel is the example's storage that also sends a back-channel logout token when a
// user's session at the provider ends.
type backchannel struct {
	*storage.Storage
	issuer, uriFile string
}

func (b backchannel) TerminateSession(ctx context.Context, userID, clientID string) error {
	if err := b.Storage.TerminateSession(ctx, userID, clientID); err != nil {
		return err
	}
	uri, err := os.ReadFile(b.uriFile) // #nosec G304 -- the file the test named
	if err != nil || userID == "" {
		return nil // no client asked for back-channel logout, or no user is known
	}
	key, err := b.SigningKey(ctx)
	if err != nil {
		return err
	}
	signer, err := op.SignerFromKey(key)
	if err != nil {
		return err
	}
	claims := oidc.NewLogoutTokenClaims(
		b.issuer,
		userID,
		oidc.Audience{clientID},
		time.Now().Add(2*time.Minute),
		uuid.NewString(),
		"",
		0,
	)
	token, err := crypto.Sign(claims, signer)
	if err != nil {
		return err
	}
	resp, err := http.PostForm(strings.TrimSpace(string(uri)), url.Values{"logout_token": {token}})
	if err != nil {
		return err
	}
	slog.Info("back-channel logout sent", "status", resp.StatusCode)
	return resp.Body.Close()
}

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
	stor := backchannel{
		Storage: storage.NewStorage(directory{cfg.UsersFile}),
		issuer:  issuer,
		uriFile: os.Getenv("BACKCHANNEL_LOGOUT_FILE"),
	}
	router := exampleop.SetupServer(issuer, stor, logger, false)
	server := &http.Server{Addr: "127.0.0.1:" + cfg.Port, Handler: router, ReadHeaderTimeout: 10 * time.Second}
	logger.Info("listening", "issuer", issuer)
	if err := server.ListenAndServe(); err != http.ErrServerClosed {
		logger.Error("server", "error", err)
		os.Exit(1)
	}
}
