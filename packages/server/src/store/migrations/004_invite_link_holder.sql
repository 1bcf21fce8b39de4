-- A link secret is single use: the first page that presents it holds it (a hash of that page's
-- own random key), and every other page is refused.
ALTER TABLE invites ADD COLUMN link_holder TEXT;
