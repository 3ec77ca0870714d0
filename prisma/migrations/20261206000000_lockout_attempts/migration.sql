-- AlterTable
ALTER TABLE `password_lockouts` ADD COLUMN `attempt` CHAR(12) NOT NULL DEFAULT '';
