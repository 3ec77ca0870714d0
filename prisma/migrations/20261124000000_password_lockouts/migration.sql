-- CreateTable
CREATE TABLE `password_lockouts` (
    `username` VARCHAR(32) NOT NULL,
    `failures` INTEGER NOT NULL,
    `locked_until` DATETIME(3) NOT NULL,

    INDEX `password_lockouts_locked_until_idx`(`locked_until`),
    PRIMARY KEY (`username`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
