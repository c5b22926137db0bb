-- factbot database at schema version 1 (first release), made by tests/data/make_schema_v1.py
BEGIN;
CREATE TABLE "meta" (
   "key" TEXT PRIMARY KEY,
   "value" TEXT
);
CREATE TABLE "documents" (
   "id" INTEGER PRIMARY KEY,
   "scope" INTEGER NOT NULL,
   "name" TEXT NOT NULL,
   "title" TEXT NOT NULL,
   "url" TEXT,
   "outlet" TEXT,
   "published" TEXT,
   "content_hash" TEXT NOT NULL,
   "status" TEXT NOT NULL DEFAULT 'current',
   "superseded_by" INTEGER,
   "ingested_at" TEXT NOT NULL,
   "actor" TEXT
);
CREATE TABLE "facts" (
   "id" INTEGER PRIMARY KEY,
   "scope" INTEGER NOT NULL,
   "document_id" INTEGER,
   "paragraph" INTEGER,
   "sentence" INTEGER,
   "start_offset" INTEGER,
   "end_offset" INTEGER,
   "text" TEXT NOT NULL,
   "context_before" TEXT,
   "context_after" TEXT,
   "event_date" TEXT,
   "speaker" TEXT,
   "entities" TEXT,
   "terms" TEXT NOT NULL,
   "context_terms" TEXT DEFAULT '',
   "status" TEXT NOT NULL DEFAULT 'active',
   "version" INTEGER NOT NULL DEFAULT 1,
   "overrides" INTEGER,
   "note" TEXT,
   "created_at" TEXT NOT NULL,
   "updated_at" TEXT NOT NULL
);
CREATE VIRTUAL TABLE "facts_fts" USING FTS5 (
    "terms", "context_terms",
    content="facts"
);
CREATE TABLE "fact_history" (
   "id" INTEGER PRIMARY KEY,
   "fact_id" INTEGER NOT NULL,
   "action" TEXT NOT NULL,
   "actor" TEXT NOT NULL,
   "scope" INTEGER NOT NULL,
   "reason" TEXT,
   "before" TEXT,
   "after" TEXT,
   "at" TEXT NOT NULL
);
CREATE TABLE "aliases" (
   "id" INTEGER PRIMARY KEY,
   "scope" INTEGER NOT NULL,
   "term" TEXT NOT NULL,
   "means" TEXT NOT NULL,
   "actor" TEXT,
   "created_at" TEXT NOT NULL
);
CREATE TABLE "review_items" (
   "id" INTEGER PRIMARY KEY,
   "kind" TEXT NOT NULL,
   "question" TEXT NOT NULL,
   "fact_id" INTEGER,
   "scope" INTEGER NOT NULL,
   "channel_id" INTEGER,
   "created_at" TEXT NOT NULL,
   "status" TEXT NOT NULL DEFAULT 'open',
   "closed_by" TEXT,
   "closed_at" TEXT
);
CREATE TABLE "votes" (
   "fact_id" INTEGER,
   "scope" INTEGER,
   "helpful" INTEGER,
   PRIMARY KEY ("fact_id", "scope")
);
CREATE TABLE "auto_answer" (
   "scope" INTEGER,
   "channel_id" INTEGER,
   "enabled" INTEGER,
   "actor" TEXT,
   "updated_at" TEXT,
   PRIMARY KEY ("scope", "channel_id")
);
CREATE TABLE "vocab" (
   "term" TEXT PRIMARY KEY,
   "df" INTEGER
);
CREATE INDEX "idx_documents_scope_content_hash"
    ON "documents" ("scope", "content_hash");
CREATE INDEX "idx_documents_scope_name"
    ON "documents" ("scope", "name");
CREATE INDEX "idx_facts_document_id"
    ON "facts" ("document_id");
CREATE INDEX "idx_facts_scope_overrides"
    ON "facts" ("scope", "overrides");
CREATE INDEX "idx_facts_event_date"
    ON "facts" ("event_date");
CREATE INDEX "idx_fact_history_fact_id"
    ON "fact_history" ("fact_id");
CREATE UNIQUE INDEX "idx_aliases_scope_term"
    ON "aliases" ("scope", "term");
CREATE INDEX "idx_review_items_scope_status"
    ON "review_items" ("scope", "status");
CREATE TRIGGER "facts_ai" AFTER INSERT ON "facts" BEGIN
  INSERT INTO "facts_fts" (rowid, "terms", "context_terms") VALUES (new.rowid, new."terms", new."context_terms");
END;
CREATE TRIGGER "facts_ad" AFTER DELETE ON "facts" BEGIN
  INSERT INTO "facts_fts" ("facts_fts", rowid, "terms", "context_terms") VALUES('delete', old.rowid, old."terms", old."context_terms");
END;
CREATE TRIGGER "facts_au" AFTER UPDATE ON "facts" BEGIN
  INSERT INTO "facts_fts" ("facts_fts", rowid, "terms", "context_terms") VALUES('delete', old.rowid, old."terms", old."context_terms");
  INSERT INTO "facts_fts" (rowid, "terms", "context_terms") VALUES (new.rowid, new."terms", new."context_terms");
END;
INSERT INTO [meta] VALUES ('schema_version', '1');
INSERT INTO [documents] VALUES (1, 0, 'riverton.md', 'Riverton council approves new bridge', 'https://news.example.org/riverton-bridge', 'Example News', '2023-03-10', '27f15cd4dfb5336ab49868a41ef78022ba5e3aca0f897df9a9242555b47fff4e', 'current', NULL, '2026-11-27T17:37:59+00:00', 'cli');
INSERT INTO [facts] VALUES (1, 0, 1, 1, 1, 0, 99, 'The Riverton city council voted on March 8 to approve a new pedestrian bridge over the Clear River.', NULL, 'Mayor Helena Ortiz said the bridge would cost about $12 million and open in 2025.', '2023-03-08', NULL, '[["Riverton", "place"], ["Clear River", "place"]]', 'riverton citi council vote march 8 approv new pedestrian bridg clear river zzapproved zzclear zzcouncil', 'mayor helena ortiz bridg cost 12 million open 2025 riverton council approv new zzcost zzcouncil zzmayor zzmillion zzsaid', 'active', 1, NULL, NULL, '2026-11-27T17:37:59+00:00', '2026-11-27T17:37:59+00:00');
INSERT INTO [facts] VALUES (2, 0, 1, 1, 2, 100, 181, 'Mayor Helena Ortiz said the bridge would cost about $12 million and open in 2025.', 'The Riverton city council voted on March 8 to approve a new pedestrian bridge over the Clear River.', 'Construction is expected to begin in June, according to the city engineer, Tomas Berg.', NULL, 'Mayor Helena Ortiz', '[["Helena Ortiz", "person"], ["about $12 million", "number"]]', 'mayor helena ortiz bridg cost 12 million open 2025 zzcost zzmayor zzmillion zzsaid', 'riverton citi council vote march 8 approv new pedestrian bridg clear river construct expect begin june engin toma berg zzapproved zzbegin zzclear zzconstruction zzcouncil', 'active', 1, NULL, NULL, '2026-11-27T17:37:59+00:00', '2026-11-27T17:37:59+00:00');
INSERT INTO [facts] VALUES (3, 0, 1, 2, 1, 183, 269, 'Construction is expected to begin in June, according to the city engineer, Tomas Berg.', 'Mayor Helena Ortiz said the bridge would cost about $12 million and open in 2025.', 'Opponents argued that the money should go to road repairs instead.', NULL, 'Tomas Berg', '[["Tomas Berg", "person"]]', 'construct expect begin june citi engin toma berg zzbegin zzconstruction', 'mayor helena ortiz bridg cost 12 million open 2025 oppon argu money go road repair instead riverton council approv new zzcost zzcouncil zzmayor zzmillion zzsaid', 'active', 1, NULL, NULL, '2026-11-27T17:37:59+00:00', '2026-11-27T17:37:59+00:00');
INSERT INTO [facts] VALUES (4, 0, 1, 2, 2, 270, 336, 'Opponents argued that the money should go to road repairs instead.', 'Construction is expected to begin in June, according to the city engineer, Tomas Berg.', 'On the same day, the council also rejected a proposal to raise parking fees.', NULL, 'Opponents', '[]', 'oppon argu money go road repair instead', 'construct expect begin june citi engin toma berg day council reject propos rais park fee riverton approv new bridg zzbegin zzconstruction zzcouncil zzdenied zzraised', 'active', 1, NULL, NULL, '2026-11-27T17:37:59+00:00', '2026-11-27T17:37:59+00:00');
INSERT INTO [facts] VALUES (5, 0, 1, 2, 3, 337, 413, 'On the same day, the council also rejected a proposal to raise parking fees.', 'Opponents argued that the money should go to road repairs instead.', NULL, '2023-03-08', 'the council', '[]', 'day council reject propos rais park fee zzcouncil zzdenied zzraised', 'oppon argu money go road repair instead riverton council approv new bridg zzcouncil', 'active', 1, NULL, NULL, '2026-11-27T17:37:59+00:00', '2026-11-27T17:37:59+00:00');
INSERT INTO [facts] VALUES (6, 111, 1, 1, 2, 100, 181, 'Mayor Helena Ortiz said the bridge would cost about $13 million and open in 2025.', 'The Riverton city council voted on March 8 to approve a new pedestrian bridge over the Clear River.', 'Construction is expected to begin in June, according to the city engineer, Tomas Berg.', NULL, 'Mayor Helena Ortiz', '[["Helena Ortiz", "person"], ["about $13 million", "number"]]', 'mayor helena ortiz bridg cost 13 million open 2025 zzcost zzmayor zzmillion zzsaid', 'riverton citi council vote march 8 approv new pedestrian bridg clear river construct expect begin june engin toma berg zzapproved zzbegin zzclear zzconstruction zzcouncil', 'active', 2, 2, NULL, '2026-11-27T17:37:59+00:00', '2026-11-27T17:37:59+00:00');
INSERT INTO [facts] VALUES (7, 222, 1, 1, 2, 100, 181, 'Mayor Helena Ortiz said the bridge would cost about $12 million and open in 2025.', 'The Riverton city council voted on March 8 to approve a new pedestrian bridge over the Clear River.', 'Construction is expected to begin in June, according to the city engineer, Tomas Berg.', NULL, 'Mayor Helena Ortiz', '[["Helena Ortiz", "person"], ["about $12 million", "number"]]', 'mayor helena ortiz bridg cost 12 million open 2025 zzcost zzmayor zzmillion zzsaid', 'riverton citi council vote march 8 approv new pedestrian bridg clear river construct expect begin june engin toma berg zzapproved zzbegin zzclear zzconstruction zzcouncil', 'retracted', 1, 2, NULL, '2026-11-27T17:37:59+00:00', '2026-11-27T17:37:59+00:00');
INSERT INTO [fact_history] VALUES (1, 6, 'edit', 'discord:1', 111, 'local correction', 'Mayor Helena Ortiz said the bridge would cost about $12 million and open in 2025.', 'Mayor Helena Ortiz said the bridge would cost about $13 million and open in 2025.', '2026-11-27T17:37:59+00:00');
INSERT INTO [fact_history] VALUES (2, 7, 'retract', 'discord:2', 222, 'disputed', 'active', 'retracted', '2026-11-27T17:37:59+00:00');
INSERT INTO [aliases] VALUES (1, 0, 'footbridge', 'pedestrian bridge', 'cli', '2026-11-27T17:37:59+00:00');
INSERT INTO [review_items] VALUES (1, 'unanswered', 'Who designed the bridge?', NULL, 111, 5, '2026-11-27T17:37:59+00:00', 'open', NULL, NULL);
INSERT INTO [vocab] VALUES ('council', 2);
INSERT INTO [vocab] VALUES ('citi', 2);
INSERT INTO [vocab] VALUES ('zzapproved', 1);
INSERT INTO [vocab] VALUES ('clear', 1);
INSERT INTO [vocab] VALUES ('bridg', 3);
INSERT INTO [vocab] VALUES ('march', 1);
INSERT INTO [vocab] VALUES ('zzcouncil', 2);
INSERT INTO [vocab] VALUES ('river', 1);
INSERT INTO [vocab] VALUES ('zzclear', 1);
INSERT INTO [vocab] VALUES ('approv', 1);
INSERT INTO [vocab] VALUES ('pedestrian', 1);
INSERT INTO [vocab] VALUES ('vote', 1);
INSERT INTO [vocab] VALUES ('new', 1);
INSERT INTO [vocab] VALUES ('riverton', 1);
INSERT INTO [vocab] VALUES ('8', 1);
INSERT INTO [vocab] VALUES ('open', 2);
INSERT INTO [vocab] VALUES ('million', 2);
INSERT INTO [vocab] VALUES ('zzmayor', 2);
INSERT INTO [vocab] VALUES ('zzsaid', 2);
INSERT INTO [vocab] VALUES ('mayor', 2);
INSERT INTO [vocab] VALUES ('cost', 2);
INSERT INTO [vocab] VALUES ('2025', 2);
INSERT INTO [vocab] VALUES ('zzcost', 2);
INSERT INTO [vocab] VALUES ('helena', 2);
INSERT INTO [vocab] VALUES ('ortiz', 2);
INSERT INTO [vocab] VALUES ('zzmillion', 2);
INSERT INTO [vocab] VALUES ('12', 1);
INSERT INTO [vocab] VALUES ('toma', 1);
INSERT INTO [vocab] VALUES ('june', 1);
INSERT INTO [vocab] VALUES ('begin', 1);
INSERT INTO [vocab] VALUES ('berg', 1);
INSERT INTO [vocab] VALUES ('construct', 1);
INSERT INTO [vocab] VALUES ('zzbegin', 1);
INSERT INTO [vocab] VALUES ('zzconstruction', 1);
INSERT INTO [vocab] VALUES ('expect', 1);
INSERT INTO [vocab] VALUES ('engin', 1);
INSERT INTO [vocab] VALUES ('road', 1);
INSERT INTO [vocab] VALUES ('oppon', 1);
INSERT INTO [vocab] VALUES ('instead', 1);
INSERT INTO [vocab] VALUES ('money', 1);
INSERT INTO [vocab] VALUES ('repair', 1);
INSERT INTO [vocab] VALUES ('go', 1);
INSERT INTO [vocab] VALUES ('argu', 1);
INSERT INTO [vocab] VALUES ('zzdenied', 1);
INSERT INTO [vocab] VALUES ('propos', 1);
INSERT INTO [vocab] VALUES ('day', 1);
INSERT INTO [vocab] VALUES ('fee', 1);
INSERT INTO [vocab] VALUES ('reject', 1);
INSERT INTO [vocab] VALUES ('park', 1);
INSERT INTO [vocab] VALUES ('zzraised', 1);
INSERT INTO [vocab] VALUES ('rais', 1);
INSERT INTO [vocab] VALUES ('13', 1);
COMMIT;
