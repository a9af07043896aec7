using System;
using System.Security.Cryptography;

namespace SwarmPS.Engine.Ssh
{
    /// <summary>Formats SSH host key fingerprints the way OpenSSH shows them, so users can compare them by eye.</summary>
    public static class HostKeyFingerprint
    {
        /// <summary>
        /// Returns <c>SHA256:</c> followed by the unpadded base64 SHA-256 of the SSH public key blob,
        /// exactly as <c>ssh-keygen -l -E sha256</c> prints it.
        /// </summary>
        /// <param name="keyBlob">The public key in SSH wire format (the base64-decoded second field of a .pub or known_hosts line).</param>
        public static string Sha256(byte[] keyBlob)
        {
            ArgumentNullException.ThrowIfNull(keyBlob);
            byte[] digest = SHA256.HashData(keyBlob);

            // OpenSSH drops the base64 padding.
            return "SHA256:" + Convert.ToBase64String(digest).TrimEnd('=');
        }
    }
}
