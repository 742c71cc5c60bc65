package io.conduit.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Sha256Test {
    @Test
    void hashesTheStandardTestVectors() {
        assertThat(Sha256.hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Sha256.hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void hashesTheUtf8BytesOfText() {
        assertThat(Sha256.hex("é")).isEqualTo("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
    }

    @Test
    void digestsRawBytesToThirtyTwoBytes() {
        byte[] digest = Sha256.digest("abc".getBytes(StandardCharsets.UTF_8));

        assertThat(digest).hasSize(32);
        assertThat(HexFormat.of().formatHex(digest)).isEqualTo(Sha256.hex("abc"));
    }
}
