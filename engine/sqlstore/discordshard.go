package sqlstore

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// discordShardRow is a row of discord_shards: the lease of one shard of the
// Discord gateway, held by owner until expires_at.
type discordShardRow struct {
	bun.BaseModel `bun:"table:discord_shards,alias:ds"`

	ShardID   int       `bun:"shard_id,pk"`
	Owner     string    `bun:"owner"`
	ExpiresAt time.Time `bun:"expires_at"`
}

// discordShardOwnerRow is a row of discord_shard_owners: a replica running
// the Discord gateway, alive until expires_at unless it renews.
type discordShardOwnerRow struct {
	bun.BaseModel `bun:"table:discord_shard_owners,alias:dso"`

	Owner     string    `bun:"owner,pk"`
	ExpiresAt time.Time `bun:"expires_at"`
}

// JoinShards records that owner runs the Discord gateway until expires,
// forgets the owners expired at now, and returns how many owners are live at
// now, owner included: the replicas the shards are shared among.
func (db *DB) JoinShards(ctx context.Context, owner string, now, expires time.Time) (int, error) {
	now = normalize(now)
	row := &discordShardOwnerRow{Owner: owner, ExpiresAt: normalize(expires)}
	if _, err := db.bun.NewInsert().Model(row).
		On("CONFLICT (owner) DO UPDATE").
		Set("expires_at = EXCLUDED.expires_at").
		Exec(ctx); err != nil {
		return 0, wrapErr("join discord shards", err)
	}
	if _, err := db.bun.NewDelete().Model((*discordShardOwnerRow)(nil)).Where("dso.expires_at <= ?", now).Exec(ctx); err != nil {
		return 0, wrapErr("forget expired discord shard owners", err)
	}
	n, err := db.bun.NewSelect().Model((*discordShardOwnerRow)(nil)).Where("dso.expires_at > ?", now).Count(ctx)
	return n, wrapErr("count discord shard owners", err)
}

// RenewShards extends every shard lease owner holds to expires and returns
// those shards, in order. A lease that expired but that no one else took is
// still owner's; one another owner took is not.
func (db *DB) RenewShards(ctx context.Context, owner string, expires time.Time) ([]int, error) {
	var ids []int
	err := db.bun.NewUpdate().Model((*discordShardRow)(nil)).
		Set("expires_at = ?", normalize(expires)).
		Where("ds.owner = ?", owner).
		Returning("shard_id").
		Scan(ctx, &ids)
	if err != nil {
		return nil, wrapErr("renew discord shards", err)
	}
	slices.Sort(ids)
	return ids, nil
}

// ClaimShard gives shard to owner until expires when no one holds it at now
// (no lease, or an expired one) or owner already does, and reports whether
// owner holds it. Two owners claiming one shard at once: one gets it.
func (db *DB) ClaimShard(ctx context.Context, owner string, shard int, now, expires time.Time) (bool, error) {
	row := &discordShardRow{ShardID: shard, Owner: owner, ExpiresAt: normalize(expires)}
	res, err := db.bun.NewInsert().Model(row).
		On("CONFLICT (shard_id) DO UPDATE").
		Set("owner = EXCLUDED.owner").
		Set("expires_at = EXCLUDED.expires_at").
		Where("ds.expires_at <= ? OR ds.owner = EXCLUDED.owner", normalize(now)).
		Exec(ctx)
	if err != nil {
		return false, wrapErr("claim discord shard", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, wrapErr("claim discord shard", err)
	}
	return n == 1, nil
}

// ReleaseShards gives up owner's leases of shards: they are free at once.
// Shards owner does not hold are left alone.
func (db *DB) ReleaseShards(ctx context.Context, owner string, shards []int) error {
	if len(shards) == 0 {
		return nil
	}
	_, err := db.bun.NewDelete().Model((*discordShardRow)(nil)).
		Where("ds.owner = ?", owner).
		Where("ds.shard_id IN (?)", bun.In(shards)).
		Exec(ctx)
	return wrapErr("release discord shards", err)
}

// LeaveShards gives up every shard lease of owner and its place among the
// owners: the replica stops running the gateway.
func (db *DB) LeaveShards(ctx context.Context, owner string) error {
	return db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*discordShardRow)(nil)).Where("ds.owner = ?", owner).Exec(ctx); err != nil {
			return wrapErr("release discord shards", err)
		}
		_, err := tx.NewDelete().Model((*discordShardOwnerRow)(nil)).Where("dso.owner = ?", owner).Exec(ctx)
		return wrapErr("leave discord shards", err)
	})
}
