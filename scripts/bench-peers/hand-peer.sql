-- The hand-written peer (scripts/bench, part "peers"): the file is in pg_temp.stage (text
-- columns named by its header, ln in file order); one set-based upsert into peer.inc,
-- the newest row per ticket, rewriting a ticket only when the row differs.
INSERT INTO peer.inc AS t (ticket_id, normalized_status, raw_status, bucket, is_actionable, cluster,
                           region, location_name, assigned_team, owner, sla_status, mttr,
                           created_at_service, scheduled_at, closed_at, first_seen_at, last_seen_at,
                           source_created_at, source_updated_at, latitude, longitude, service_type)
SELECT DISTINCT ON (id)
       id, lower(peer.txt(normalized_status)), upper(peer.txt(raw_status)), peer.txt(bucket),
       peer.bool(is_actionable), upper(peer.txt(cluster)), lower(peer.txt(region)),
       peer.txt(location_name), peer.txt(assigned_team), peer.txt(owner), peer.txt(sla_status),
       round(peer.num(mttr))::integer, peer.ts(created_at_service), peer.ts(scheduled_at),
       peer.ts(closed_at), peer.ts(first_seen_at), peer.ts(last_seen_at),
       peer.ts(source_created_at), peer.ts(source_updated_at), peer.num(latitude),
       peer.num(longitude), peer.txt(service_type)
  FROM (SELECT peer.id(ticket_id) AS id, * FROM pg_temp.stage) AS s
 WHERE id IS NOT NULL
 ORDER BY id, peer.ts(source_updated_at) DESC NULLS LAST, ln DESC
ON CONFLICT (ticket_id) DO UPDATE
   SET (normalized_status, raw_status, bucket, is_actionable, cluster, region, location_name,
        assigned_team, owner, sla_status, mttr, created_at_service, scheduled_at, closed_at,
        first_seen_at, last_seen_at, source_created_at, source_updated_at, latitude, longitude,
        service_type, ingested_at)
     = (EXCLUDED.normalized_status, EXCLUDED.raw_status, EXCLUDED.bucket, EXCLUDED.is_actionable,
        EXCLUDED.cluster, EXCLUDED.region, EXCLUDED.location_name, EXCLUDED.assigned_team,
        EXCLUDED.owner, EXCLUDED.sla_status, EXCLUDED.mttr, EXCLUDED.created_at_service,
        EXCLUDED.scheduled_at, EXCLUDED.closed_at, EXCLUDED.first_seen_at, EXCLUDED.last_seen_at,
        EXCLUDED.source_created_at, EXCLUDED.source_updated_at, EXCLUDED.latitude,
        EXCLUDED.longitude, EXCLUDED.service_type, now())
 WHERE (t.source_updated_at IS NULL OR EXCLUDED.source_updated_at >= t.source_updated_at)
   AND (t.normalized_status, t.raw_status, t.bucket, t.is_actionable, t.cluster, t.region,
        t.location_name, t.assigned_team, t.owner, t.sla_status, t.mttr, t.created_at_service,
        t.scheduled_at, t.closed_at, t.first_seen_at, t.last_seen_at, t.source_created_at,
        t.source_updated_at, t.latitude, t.longitude, t.service_type)
       IS DISTINCT FROM
       (EXCLUDED.normalized_status, EXCLUDED.raw_status, EXCLUDED.bucket, EXCLUDED.is_actionable,
        EXCLUDED.cluster, EXCLUDED.region, EXCLUDED.location_name, EXCLUDED.assigned_team,
        EXCLUDED.owner, EXCLUDED.sla_status, EXCLUDED.mttr, EXCLUDED.created_at_service,
        EXCLUDED.scheduled_at, EXCLUDED.closed_at, EXCLUDED.first_seen_at, EXCLUDED.last_seen_at,
        EXCLUDED.source_created_at, EXCLUDED.source_updated_at, EXCLUDED.latitude,
        EXCLUDED.longitude, EXCLUDED.service_type);
