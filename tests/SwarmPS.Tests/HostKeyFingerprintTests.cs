using System;
using SwarmPS.Engine.Ssh;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>
    /// Fixed public keys made once with <c>ssh-keygen -t ... -N '' -C ''</c> (OpenSSH 9.2p1); the fingerprints are what
    /// <c>ssh-keygen -l -E sha256 -f key.pub</c> printed for them.
    /// </summary>
    internal static class SshTestKeys
    {
        public const string Ed25519A = "AAAAC3NzaC1lZDI1NTE5AAAAIJRd1K1ES4aDNc6YYxXPQzNVcRTa2JwxNC8WFtx6WvGn";
        public const string Ed25519AFingerprint = "SHA256:sVo4SzI/DnCFbhU6oyx6fWuQ15Oig2uhxseUDyCZaCc";

        public const string Ed25519B = "AAAAC3NzaC1lZDI1NTE5AAAAIOzzHRtcxo5ZHSzmBuLJTxwsBBUYBc+53FAL+iPB668Q";
        public const string Ed25519BFingerprint = "SHA256:5UCfc6st3onnFrAMjWCqI6Ah0bg2JQLURmEfzHfFQU4";

        public const string EcdsaP256 = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBAY8drLCyWB5VkKkCOzvYN9x1S8hNBx9xcjpbYHDbUdPOWi5f4sSR5ynHTHHf8Lmay32d3Tp4bwlgTkYTjdc+Sc=";
        public const string EcdsaP256Fingerprint = "SHA256:vPoZNLZhk/StjLacYtxejhle7xx+n/uiEl5LhyMHp+Y";

        public const string EcdsaP384 = "AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBLjWyeuvRYjz3HyuQ2OX56AoZ6A3LwTwAlFxRM+aCh8Xs/MgQck0iyt293M8FwAbbnfEAxjO+ZBDDvMf/79TKwfi957YOUp6Vh5R6YTZVnXMmcKQJZyHn/XTao+6+0QWLA==";
        public const string EcdsaP384Fingerprint = "SHA256:xMPszvfIlrnL6xtLOjGBZbxsbGC3qpq53g3cvwbUZUo";

        public const string Rsa1024 = "AAAAB3NzaC1yc2EAAAADAQABAAAAgQC2p/CYkV4MWdLhbA7YWocHVps6TnasmH2G9U2mnnS8VlnpRxqZ3j6v2hCHWuES5OXh0kPTurB8S7lUKwM3f49tO9Fn+D7c2VI/C8KCIFavoTtZ7rBasearLLQQEXNHQsJuCP+ehsIMprug/2ymveS9tZdQ53YDhro+nv65UBfanQ==";
        public const string Rsa1024Fingerprint = "SHA256:sdSccT7UYL14P9J0/Tmb8DxhaFIWH0Zmb/3aIl/w4d8";

        /// <summary>
        /// <c>ssh-keygen -H</c> output for a file holding node1.example.com (Ed25519A), [node2.example.com]:2222 (Ed25519A)
        /// and 10.0.0.5 (EcdsaP256), in that order.
        /// </summary>
        public const string HashedNode1 = "|1|jvhexYA3nKwSupQ+ywuCKIFCxgk=|g6RzRg2MOvMpOQ2WDR/WjrcdZls=";
        public const string HashedNode2Port2222 = "|1|l8Qnq+AV1xgZ5ohCmM0j6K4c8qk=|2V+KmudLkvOcY9pwsgaWZSdBrV8=";
        public const string Hashed10005 = "|1|VvJibXz7fzwBfu0zexWYSr96pAQ=|aXUp2u/uzxOZGko0PfrJuQpPn18=";

        public static byte[] Blob(string base64) => Convert.FromBase64String(base64);
    }

    public sealed class HostKeyFingerprintTests
    {
        [Theory]
        [InlineData(SshTestKeys.Ed25519A, SshTestKeys.Ed25519AFingerprint)]
        [InlineData(SshTestKeys.Ed25519B, SshTestKeys.Ed25519BFingerprint)]
        [InlineData(SshTestKeys.EcdsaP256, SshTestKeys.EcdsaP256Fingerprint)]
        [InlineData(SshTestKeys.EcdsaP384, SshTestKeys.EcdsaP384Fingerprint)]
        [InlineData(SshTestKeys.Rsa1024, SshTestKeys.Rsa1024Fingerprint)]
        public void Sha256_MatchesSshKeygen(string publicKeyBase64, string expected)
        {
            Assert.Equal(expected, HostKeyFingerprint.Sha256(SshTestKeys.Blob(publicKeyBase64)));
        }

        [Fact]
        public void Sha256_HasNoBase64Padding()
        {
            // SHA-256 is 32 bytes, whose base64 always ends in one '=' that OpenSSH drops: 43 characters remain.
            string fingerprint = HostKeyFingerprint.Sha256(new byte[] { 1, 2, 3 });
            Assert.StartsWith("SHA256:", fingerprint, StringComparison.Ordinal);
            Assert.Equal(43, fingerprint.Length - "SHA256:".Length);
            Assert.DoesNotContain("=", fingerprint, StringComparison.Ordinal);
        }

        [Fact]
        public void Sha256_RejectsNull()
        {
            Assert.Throws<ArgumentNullException>(() => HostKeyFingerprint.Sha256(null!));
        }
    }
}
