package org.jinetd.daemon.config;

import java.util.Optional;

/**
 * Text sent to a client before its server starts ({@code banner}) and when it is refused
 * ({@code banner_fail}), as xinetd does; read from their files when the table is loaded.
 */
public record Banners(Optional<String> banner, Optional<String> fail) {}
