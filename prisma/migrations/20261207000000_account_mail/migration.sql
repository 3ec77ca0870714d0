-- AlterTable
ALTER TABLE `users` ADD COLUMN `email_verified` BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE `account_tokens` (
    `token_hash` CHAR(64) NOT NULL,
    `user_id` INTEGER NOT NULL,
    `purpose` VARCHAR(8) NOT NULL,
    `address` VARCHAR(254) NOT NULL,
    `expires_at` DATETIME(3) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `account_tokens_user_id_purpose_idx`(`user_id`, `purpose`),
    INDEX `account_tokens_expires_at_idx`(`expires_at`),
    PRIMARY KEY (`token_hash`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `mail_outbox` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `kind` VARCHAR(16) NOT NULL,
    `user_id` INTEGER NULL,
    `address` VARCHAR(254) NOT NULL,
    `new_address` VARCHAR(254) NULL,
    `state` VARCHAR(8) NOT NULL DEFAULT 'pending',
    `attempts` INTEGER NOT NULL DEFAULT 0,
    `next_attempt_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `sent_at` DATETIME(3) NULL,

    INDEX `mail_outbox_state_next_attempt_at_idx`(`state`, `next_attempt_at`),
    INDEX `mail_outbox_address_sent_at_idx`(`address`, `sent_at`),
    INDEX `mail_outbox_user_id_idx`(`user_id`),
    INDEX `mail_outbox_created_at_idx`(`created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `account_tokens` ADD CONSTRAINT `account_tokens_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `mail_outbox` ADD CONSTRAINT `mail_outbox_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
