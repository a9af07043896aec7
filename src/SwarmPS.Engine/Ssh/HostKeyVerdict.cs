using System;
using System.Collections.Generic;
using Renci.SshNet.Common;

namespace SwarmPS.Engine.Ssh
{
    /// <summary>An unknown host key was refused; carries the presented key so that a prompt's "yes" pins that very key.</summary>
    public sealed class HostKeyUnknownException : SwarmException
    {
        public HostKeyUnknownException(string message, string target, string keyType, string fingerprint)
            : base("HostKeyUnknown", SwarmErrorKind.SecurityError, message, target)
        {
            KeyType = keyType;
            Fingerprint = fingerprint;
        }

        /// <summary>The host key algorithm the host presented, such as ssh-ed25519.</summary>
        public string KeyType { get; }

        /// <summary>SHA256 fingerprint of the presented key: the one the user is asked to approve.</summary>
        public string Fingerprint { get; }
    }

    /// <summary>Decides on the presented host key and remembers why a key was refused.</summary>
    internal sealed class HostKeyVerdict
    {
        private readonly KnownHostsFile knownHosts;
        private readonly IReadOnlyList<string> names;
        private readonly int port;
        private readonly bool acceptNew;
        private readonly bool record;
        private readonly IOperationReporter reporter;
        private byte[]? pinnedKey;

        internal HostKeyVerdict(KnownHostsFile knownHosts, IReadOnlyList<string> names, int port, bool acceptNew, bool record, IOperationReporter reporter)
        {
            this.record = record;
            this.knownHosts = knownHosts;
            this.names = names;
            this.port = port;
            this.acceptNew = acceptNew;
            this.reporter = reporter;
        }

        /// <summary>The fingerprint the user approved at a prompt: only an unknown key with this fingerprint is accepted.</summary>
        internal string? ApprovedFingerprint { get; init; }

        internal string? PresentedFingerprint { get; private set; }

        internal SwarmException? Refusal { get; private set; }

        internal void OnHostKeyReceived(object? sender, HostKeyEventArgs args)
        {
            args.CanTrust = Decide(args.HostKeyName, args.HostKey);
        }

        /// <summary>True when the key may be trusted; otherwise <see cref="Refusal"/> says why.</summary>
        internal bool Decide(string keyName, byte[] hostKey)
        {
            Refusal = null;
            string fingerprint = HostKeyFingerprint.Sha256(hostKey);
            string host = names[0];

            // A reconnect must meet the very key the session was opened with.
            if (pinnedKey != null)
            {
                bool same = pinnedKey.AsSpan().SequenceEqual(hostKey);
                if (!same)
                {
                    Refusal = Mismatch(host, HostKeyFingerprint.Sha256(pinnedKey), fingerprint, null);
                }

                return same;
            }

            PresentedFingerprint = fingerprint;
            HostKeyCheck check = knownHosts.Check(names, port, keyName, hostKey);
            bool trust;
            switch (check.Status)
            {
                case HostKeyStatus.Trusted:
                    trust = true;
                    break;
                case HostKeyStatus.Unknown when ApprovedFingerprint != null && !string.Equals(ApprovedFingerprint, fingerprint, StringComparison.Ordinal):
                    // The host shows another key than the one the user just said yes to: never trust what nobody saw.
                    trust = false;
                    Refusal = new SwarmException("HostKeyMismatch", SwarmErrorKind.SecurityError,
                        $"WARNING: {host} presented {keyName} {fingerprint}, not the key {ApprovedFingerprint} you approved a moment ago. Someone could be intercepting the connection. Nothing was recorded or run on the host.", host);
                    break;
                case HostKeyStatus.Unknown when (acceptNew || ApprovedFingerprint != null) && record:
                    knownHosts.Add(names, port, keyName, hostKey, hashNames: false);
                    reporter.Warning($"Permanently added {host} ({keyName} {fingerprint}) to {knownHosts.FilePath}.");
                    trust = true;
                    break;
                case HostKeyStatus.Unknown when acceptNew || ApprovedFingerprint != null:
                    reporter.Verbose($"Would add {host} ({keyName} {fingerprint}) to {knownHosts.FilePath}; trusted for this look only.");
                    trust = true;
                    break;
                case HostKeyStatus.Unknown:
                    trust = false;
                    Refusal = new HostKeyUnknownException(
                        $"The host key of {host} is not known ({keyName} {fingerprint}) in {knownHosts.FilePath}. Verify the fingerprint out of band, then connect once with -AcceptNewHostKey to trust it.", host, keyName, fingerprint);
                    break;
                case HostKeyStatus.Revoked:
                    trust = false;
                    Refusal = new SwarmException("HostKeyRevoked", SwarmErrorKind.SecurityError,
                        $"The host key of {host} ({fingerprint}) is marked @revoked in {knownHosts.FilePath}. Nothing was run on the host.", host);
                    break;
                default:
                    trust = false;
                    Refusal = Mismatch(host, check.KnownFingerprint, fingerprint, check.LineNumber);
                    break;
            }

            if (trust)
            {
                pinnedKey = (byte[])hostKey.Clone();
            }

            return trust;
        }

        private SwarmException Mismatch(string host, string? known, string presented, int? line)
        {
            string where = line.HasValue ? $"{knownHosts.FilePath}:{line}" : knownHosts.FilePath;
            return new SwarmException("HostKeyMismatch", SwarmErrorKind.SecurityError,
                $"WARNING: the host key of {host} has changed. Known: {known} ({where}); presented: {presented}. Someone could be intercepting the connection, or the host was reinstalled. Nothing was run on the host. If the change is expected, remove the old entry (ssh-keygen -R {host} -f {knownHosts.FilePath}) and connect again with -AcceptNewHostKey.", host);
        }
    }

    /// <summary>Orders the host key algorithms offered to a server, as OpenSSH's order_hostkeyalgs does.</summary>
    internal static class HostKeyAlgorithmOrder
    {
        private const string CertificateSuffix = "-cert-v01@openssh.com";

        /// <summary>The key type an algorithm verifies: rsa-sha2-256/512 use ssh-rsa keys, a certificate its base type.</summary>
        internal static string KeyTypeOf(string algorithm)
        {
            string name = algorithm.EndsWith(CertificateSuffix, StringComparison.Ordinal) ? algorithm.Substring(0, algorithm.Length - CertificateSuffix.Length) : algorithm;
            return name is "rsa-sha2-256" or "rsa-sha2-512" ? "ssh-rsa" : name;
        }

        /// <summary>The offered algorithms with those whose key type is known moved to the front, each group in its own order.</summary>
        internal static List<string> Ordered(IEnumerable<string> offered, IReadOnlyCollection<string> knownKeyTypes)
        {
            var known = new List<string>();
            var rest = new List<string>();
            foreach (string algorithm in offered)
            {
                (ContainsType(knownKeyTypes, KeyTypeOf(algorithm)) ? known : rest).Add(algorithm);
            }

            known.AddRange(rest);
            return known;
        }

        internal static void PreferKnown<TValue>(Renci.SshNet.IOrderedDictionary<string, TValue> algorithms, IReadOnlyCollection<string> knownKeyTypes)
        {
            if (knownKeyTypes.Count == 0)
            {
                return;
            }

            List<string> order = Ordered(algorithms.Keys, knownKeyTypes);
            for (int index = 0; index < order.Count; index++)
            {
                algorithms.SetPosition(order[index], index);
            }
        }

        private static bool ContainsType(IReadOnlyCollection<string> types, string type)
        {
            foreach (string known in types)
            {
                if (string.Equals(known, type, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
