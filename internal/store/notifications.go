package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Notification is one entry of a user's inbox.
type Notification struct {
	ID        int64
	UserID    int64
	Branch    string
	Kind      string
	DraftID   int64 // 0: about no case
	Message   string
	CreatedAt time.Time
	Read      bool
}

// AddNotification writes n to its user's inbox, unread.
func AddNotification(ctx context.Context, q Querier, n Notification) error {
	if _, err := q.Exec(ctx, addNotificationSQL, n.UserID, n.Branch, n.Kind, n.DraftID, n.Message, n.CreatedAt); err != nil {
		return fmt.Errorf("store.AddNotification: %w", err)
	}
	return nil
}

// QueueNotification queues AddNotification's write on b, for a caller that sends it with
// the change it tells of in one round trip (tx.SendBatch).
func QueueNotification(b *pgx.Batch, n Notification) {
	b.Queue(addNotificationSQL, n.UserID, n.Branch, n.Kind, n.DraftID, n.Message, n.CreatedAt).Fn = func(br pgx.BatchResults) error {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("store.QueueNotification: %w", err)
		}
		return nil
	}
}

const addNotificationSQL = `INSERT INTO notifications (user_id, branch, kind, draft_id, message, created_at)
	VALUES ($1, $2, $3, nullif($4, 0), $5, $6)`

// AddNotifications writes many notifications at once (the daily watch's), by COPY.
func AddNotifications(ctx context.Context, tx pgx.Tx, list []Notification) error {
	rows := make([][]any, len(list))
	for i, n := range list {
		var draft any
		if n.DraftID != 0 {
			draft = n.DraftID
		}
		rows[i] = []any{n.UserID, n.Branch, n.Kind, draft, n.Message, n.CreatedAt}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"notifications"},
		[]string{"user_id", "branch", "kind", "draft_id", "message", "created_at"}, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("store.AddNotifications: %w", err)
	}
	return nil
}

// Inbox lists a user's notifications of their branch, newest first.
func Inbox(ctx context.Context, q Querier, userID int64, branch string, limit int) ([]Notification, error) {
	rows, err := q.Query(ctx, `SELECT id, user_id, branch, kind, coalesce(draft_id, 0), message, created_at,
		read_at IS NOT NULL FROM notifications WHERE user_id = $1 AND branch = $2
		ORDER BY created_at DESC, id DESC LIMIT $3`, userID, branch, limit)
	if err != nil {
		return nil, fmt.Errorf("store.Inbox: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Notification, error) {
		var n Notification
		err := r.Scan(&n.ID, &n.UserID, &n.Branch, &n.Kind, &n.DraftID, &n.Message, &n.CreatedAt, &n.Read)
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("store.Inbox: %w", err)
	}
	return out, nil
}

// UnreadCount counts a user's unread notifications of their branch.
func UnreadCount(ctx context.Context, q Querier, userID int64, branch string) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND branch = $2 AND read_at IS NULL`,
		userID, branch).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store.UnreadCount: %w", err)
	}
	return n, nil
}

// MarkNotificationsRead marks every unread notification of a user's branch read, and says how many.
func MarkNotificationsRead(ctx context.Context, q Querier, userID int64, branch string, at time.Time) (int64, error) {
	tag, err := q.Exec(ctx, `UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND branch = $2 AND read_at IS NULL`,
		userID, branch, at)
	if err != nil {
		return 0, fmt.Errorf("store.MarkNotificationsRead: %w", err)
	}
	return tag.RowsAffected(), nil
}

// NotificationsBefore counts the notifications written before cutoff and, with remove,
// deletes them.
func NotificationsBefore(ctx context.Context, q Querier, cutoff time.Time, remove bool) (int64, error) {
	if !remove {
		var n int64
		err := q.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE created_at < $1`, cutoff).Scan(&n)
		if err != nil {
			return 0, fmt.Errorf("store.NotificationsBefore: %w", err)
		}
		return n, nil
	}
	tag, err := q.Exec(ctx, `DELETE FROM notifications WHERE created_at < $1`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("store.NotificationsBefore: %w", err)
	}
	return tag.RowsAffected(), nil
}
