-- The grade and score of a decision as columns (version 4): the fleet overview counts grades per
-- environment without reading every decision document. Decisions recorded before have none.
ALTER TABLE policy_decisions ADD COLUMN grade TEXT;
ALTER TABLE policy_decisions ADD COLUMN score INTEGER;
