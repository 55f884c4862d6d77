package blobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"kycportal/internal/store"
)

// S3Config names a bucket of an S3-compatible store.
type S3Config struct {
	Endpoint  string // http:// or https:// address of the store
	Bucket    string
	Region    string
	AccessKey string
	SecretKey string
}

// S3 keeps blobs as objects of one bucket, named by their keys. It writes at once, outside
// the caller's transaction: a blob whose row never commits is an orphan, for Sweep.
type S3 struct {
	client *minio.Client
	bucket string
	// locking tells whether the bucket has object lock, so that legal holds can be set.
	locking bool
}

// NewS3 connects to the bucket, creating it (with object lock) if it does not exist.
func NewS3(ctx context.Context, c S3Config) (*S3, error) {
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("blobs: S3 endpoint %q is not an http:// or https:// address", c.Endpoint)
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:  credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: u.Scheme == "https", Region: c.Region, BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return nil, fmt.Errorf("blobs.NewS3: %w", err)
	}
	s := &S3{client: client, bucket: c.Bucket}
	exists, err := client.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blobs.NewS3: bucket %s: %w", c.Bucket, err)
	}
	if !exists {
		err = client.MakeBucket(ctx, c.Bucket, minio.MakeBucketOptions{Region: c.Region, ObjectLocking: true})
		if err != nil {
			return nil, fmt.Errorf("blobs.NewS3: creating bucket %s: %w", c.Bucket, err)
		}
	}
	lock, _, _, _, err := client.GetObjectLockConfig(ctx, c.Bucket)
	s.locking = err == nil && lock == "Enabled"
	return s, nil
}

// Locking tells whether the bucket supports legal holds (object lock).
func (s *S3) Locking() bool { return s.locking }

// Put writes data under key.
func (s *S3) Put(ctx context.Context, _ store.Querier, key string, data []byte) error {
	_, err := s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "application/octet-stream", SendContentMd5: true})
	if err != nil {
		return fmt.Errorf("blobs.S3.Put(%s): %w", key, err)
	}
	return nil
}

// Get reads the object under key; store.ErrNotFound when there is none.
func (s *S3) Get(ctx context.Context, _ store.Querier, key string) ([]byte, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("blobs.S3.Get(%s): %w", key, err)
	}
	defer obj.Close()
	data, err := io.ReadAll(obj)
	if minio.ToErrorResponse(err).Code == "NoSuchKey" {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("blobs.S3.Get(%s): %w", key, err)
	}
	return data, nil
}

// Delete removes the object under key; a missing one is no error.
func (s *S3) Delete(ctx context.Context, _ store.Querier, key string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("blobs.S3.Delete(%s): %w", key, err)
	}
	return nil
}

// sweepBatch is how many keys the sweeper asks the database about at once.
const sweepBatch = 1000

// Sweep removes objects written before `before` that no document names. An object the
// store refuses to delete (under a legal hold or retention) stays, and is counted in the
// error.
func (s *S3) Sweep(ctx context.Context, q store.Querier, before time.Time) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing if the sweep ends early
	removed, batch := 0, make([]string, 0, sweepBatch)
	var refused []error
	flush := func() error {
		orphans, err := store.Unnamed(ctx, q, batch)
		batch = batch[:0]
		for _, key := range orphans {
			if err := s.Delete(ctx, q, key); err != nil {
				refused = append(refused, err)
				continue
			}
			removed++
		}
		return err
	}
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			return removed, fmt.Errorf("blobs.S3.Sweep: %w", obj.Err)
		}
		if !obj.LastModified.Before(before) {
			continue
		}
		if batch = append(batch, obj.Key); len(batch) == sweepBatch {
			if err := flush(); err != nil {
				return removed, err
			}
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return removed, err
		}
	}
	return removed, errors.Join(refused...)
}

// Hold places (on) or lifts a legal hold on the object under key, when the bucket has
// object lock; otherwise, or for a key with no object, it does nothing: the portal's own
// holds still stop its purge.
func (s *S3) Hold(ctx context.Context, key string, on bool) error {
	if !s.locking {
		return nil
	}
	status := minio.LegalHoldDisabled
	if on {
		status = minio.LegalHoldEnabled
	}
	err := s.client.PutObjectLegalHold(ctx, s.bucket, key, minio.PutObjectLegalHoldOptions{Status: &status})
	if minio.ToErrorResponse(err).Code == "NoSuchKey" {
		return nil // still in PostgreSQL, not yet migrated: the portal's own hold keeps it
	}
	if err != nil {
		return fmt.Errorf("blobs.S3.Hold(%s): %w", key, err)
	}
	return nil
}
