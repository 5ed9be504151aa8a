-- A second permissive policy on users is ORed with users_tenant in every query on the table, so the
-- app's own clinic_id condition no longer merges with the policy's: the planner counts it twice,
-- expects one row and picks a worse index (staff pages 1.4×, seat counts 1.7× their time without
-- RLS). users_self served only super admins, who belong to no clinic; they now reach their own row
-- through the platform role (auth-service), so the policy goes.
DROP POLICY users_self ON users;
