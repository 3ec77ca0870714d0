-- AlterTable
ALTER TABLE `sessions` ADD COLUMN `previous_token_hash` CHAR(64) NULL,
    ADD COLUMN `rotation_salt` CHAR(64) NULL;
