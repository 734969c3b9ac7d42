-- The hand-written SQL of `make bench`: for each list and detail the benchmark opens,
-- the query a PostgreSQL expert would write for the same scoped result (the same
-- user's scope, filters, order and page size). scripts/bench/sql.py times each with
-- psycopg, and the table shows how many times slower the ORM's query is.
--
-- Each query starts with a line `-- name: NAME`; parameters are psycopg's
-- %(name)s, filled by scripts/bench/sql.py from the database (the demo users'
-- agencies, grant groups and ids).

-- name: case_list
-- The officer's agency's cases and those granted to it: each side read by its own
-- index in page order, merged, the page's related rows joined last.
SELECT c.id, c.reference, c.title, c.status, c.received_on, a.slug, u.username, t.name
  FROM ((SELECT id, received_on FROM cases_case
          WHERE owning_agency_id = %(agency)s
          ORDER BY received_on DESC, id DESC LIMIT 26)
        UNION
        (SELECT c.id, c.received_on FROM cases_case c
           JOIN cases_casegroupobjectpermission p ON p.content_object_id = c.id
          WHERE p.group_id = %(grant_group)s AND p.permission_id = %(view_case)s
          ORDER BY c.received_on DESC, c.id DESC LIMIT 26)) page
  JOIN cases_case c ON c.id = page.id
  JOIN agencies_agency a ON a.id = c.owning_agency_id
  LEFT JOIN auth_user u ON u.id = c.lead_officer_id
  LEFT JOIN agencies_team t ON t.id = c.team_id
 ORDER BY c.received_on DESC, c.id DESC
 LIMIT 26;

-- name: case_list_deep
-- The same list from a cursor deep in it (keyset: the received date and id of the
-- last case of the page before).
SELECT c.id, c.reference, c.title, c.status, c.received_on, a.slug, u.username, t.name
  FROM ((SELECT id, received_on FROM cases_case
          WHERE owning_agency_id = %(agency)s
            AND (received_on, id) < (%(deep_received_on)s, %(deep_id)s)
          ORDER BY received_on DESC, id DESC LIMIT 26)
        UNION
        (SELECT c.id, c.received_on FROM cases_case c
           JOIN cases_casegroupobjectpermission p ON p.content_object_id = c.id
          WHERE p.group_id = %(grant_group)s AND p.permission_id = %(view_case)s
            AND (c.received_on, c.id) < (%(deep_received_on)s, %(deep_id)s)
          ORDER BY c.received_on DESC, c.id DESC LIMIT 26)) page
  JOIN cases_case c ON c.id = page.id
  JOIN agencies_agency a ON a.id = c.owning_agency_id
  LEFT JOIN auth_user u ON u.id = c.lead_officer_id
  LEFT JOIN agencies_team t ON t.id = c.team_id
 ORDER BY c.received_on DESC, c.id DESC
 LIMIT 26;

-- name: case_search
-- Free text over the reference, the title, and the names of the parties the officer
-- may see (their compartments), within the officer's agency's cases: each test an
-- UPPER(column) LIKE that a pg_trgm index serves, the names' cases gathered first.
SELECT c.id, c.reference, c.title, c.status, c.received_on
  FROM cases_case c
 WHERE c.owning_agency_id = %(agency)s
   AND (UPPER(c.reference) LIKE UPPER(%(like)s)
        OR UPPER(c.title) LIKE UPPER(%(like)s)
        OR c.id = ANY(ARRAY(
             SELECT cp.case_id
               FROM cases_person p
               JOIN cases_caseparty cp ON cp.person_id = p.id
              WHERE cp.compartment = ANY(%(compartments)s)
                AND (UPPER(p.last_name) LIKE UPPER(%(like)s)
                     OR UPPER(p.first_name) LIKE UPPER(%(like)s)
                     OR UPPER(p.aliases) LIKE UPPER(%(like)s)))))
 ORDER BY c.received_on DESC, c.id DESC
 LIMIT 26;

-- name: queue
-- The officer's agency's open cases waiting for a first action, in queue order.
SELECT q.case_id, q.level, q.action_due_at, c.reference, c.title, u.username, t.name
  FROM safeguarding_casepriority q
  JOIN cases_case c ON c.id = q.case_id
  LEFT JOIN auth_user u ON u.id = c.lead_officer_id
  LEFT JOIN agencies_team t ON t.id = c.team_id
 WHERE q.agency_id = %(agency)s AND q.actioned_at IS NULL AND c.status = 'open'
 ORDER BY q.band, q.action_due_at, q.level_rank, q.received_on, q.case_id
 LIMIT 26;

-- name: inbox
-- What was sent to the MASH (never its senders' drafts): the first deadline it still
-- owes (receiver_due_at, a generated column), the most urgent first on the same one.
SELECT r.id, r.state, r.urgency, r.purpose, r.decision_due_at, r.sent_at, c.reference,
       fa.name
  FROM referrals_referral r
  JOIN cases_case c ON c.id = r.case_id
  JOIN agencies_agency fa ON fa.id = r.from_agency_id
 WHERE r.to_agency_id = %(mash)s AND r.state <> 'draft'
 ORDER BY r.receiver_due_at NULLS LAST, r.urgency_rank, r.created_at, r.id
 LIMIT 26;

-- name: victim_updates
-- The officer's own open victim duties due by the end of the week.
SELECT d.id, d.kind, d.due_at, d.reason, c.reference, p.first_name, p.last_name
  FROM welfare_duty d
  JOIN cases_case c ON c.id = d.case_id
  JOIN cases_caseparty cp ON cp.id = d.party_id
  JOIN cases_person p ON p.id = cp.person_id
 WHERE d.agency_id = %(agency)s AND d.status = 'open' AND d.responsible_id = %(officer)s
   AND d.kind = ANY(%(victim_duties)s) AND d.compartment = ANY(%(compartments)s)
 ORDER BY d.due_at, d.created_at
 LIMIT 26;

-- name: case_detail
-- One case with the parties the officer may see.
SELECT c.id, c.reference, c.title, c.summary, c.status, cp.role, p.first_name,
       p.last_name, p.date_of_birth
  FROM cases_case c
  LEFT JOIN cases_caseparty cp ON cp.case_id = c.id AND cp.compartment = ANY(%(compartments)s)
  LEFT JOIN cases_person p ON p.id = cp.person_id
 WHERE c.id = %(case)s AND c.owning_agency_id = %(agency)s;

-- name: access_log
-- What the auditor's agency's people did and who touched its records, newest first.
SELECT e.sequence, e.at, e.username, e.action, e.object_type, e.object_id
  FROM agencies_accesslogentry e
 WHERE e.agency_slug = %(slug)s OR e.object_agency_slug = %(slug)s
    OR e.object_agency_slugs::text LIKE %(slug_in_list)s
 ORDER BY e.sequence DESC
 LIMIT 26;
