-- A deployment's default language for its customers' prompts (a BCP 47 tag Tandem has words for,
-- e.g. 'de'); NULL: none, the page and the browser decide. The page's own choice comes first.
ALTER TABLE deployments ADD COLUMN locale TEXT;
