using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace SwarmPS.Engine.Ssh
{
    /// <summary>
    /// Opens SSH sessions with OpenSSH's host-key rules: a known key is trusted, an unknown key is
    /// refused unless the caller accepts new keys (accept-new), a changed key is always refused.
    /// </summary>
    public sealed class HostConnector
    {
        private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

        // What the host-key callback decided for a client, read after Connect fails.
        private static readonly ConditionalWeakTable<SshClient, HostKeyVerdict> Verdicts = new ConditionalWeakTable<SshClient, HostKeyVerdict>();

        private readonly KnownHostsFile knownHosts;

        public HostConnector(KnownHostsFile knownHosts)
        {
            this.knownHosts = knownHosts;
        }

        /// <summary>False under -WhatIf: a key accepted for the look-around is trusted for this session only, not written.</summary>
        public bool RecordNewKeys { get; init; } = true;

        /// <summary>
        /// Opens a session. <paramref name="approvedFingerprint"/> is the fingerprint of an unknown key the user approved
        /// at a prompt: that key, and no other, is then trusted and recorded.
        /// </summary>
        public async Task<HostSession> ConnectAsync(SshTarget target, bool acceptNewHostKey, IOperationReporter reporter, CancellationToken cancellationToken, string? approvedFingerprint = null)
        {
            HostNames.Validate(target.HostName);
            reporter.Verbose($"Resolving {target.HostName}.");
            IPAddress address = await ResolveAsync(target.HostName, cancellationToken).ConfigureAwait(false);
            var names = new List<string> { target.HostName };
            if (!string.Equals(target.HostName, address.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                names.Add(address.ToString());
            }

            ConnectionInfo connection = new ConnectionInfo(address.ToString(), target.Port, target.UserName, AuthenticationMethods(target))
            {
                Timeout = ConnectTimeout,
            };

            // Like OpenSSH, offer first the host key algorithms known_hosts holds for this host: SSH.NET would otherwise
            // negotiate its own favourite (ed25519), and a host pinned only by its ECDSA key would look changed.
            HostKeyAlgorithmOrder.PreferKnown(connection.HostKeyAlgorithms, knownHosts.KnownKeyTypes(names, target.Port));

            var client = new SshClient(connection);
            var verdict = new HostKeyVerdict(knownHosts, names, target.Port, acceptNewHostKey, RecordNewKeys, reporter) { ApprovedFingerprint = approvedFingerprint };
            Verdicts.AddOrUpdate(client, verdict);
            client.HostKeyReceived += verdict.OnHostKeyReceived;

            reporter.Verbose($"Opening SSH to {target.UserName}@{address}:{target.Port}.");
            try
            {
                await ConnectClientAsync(client, target, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                client.Dispose();
                throw;
            }

            reporter.Verbose($"Connected; host key {verdict.PresentedFingerprint}.");
            return new HostSession(target, client, address.ToString(), verdict.PresentedFingerprint ?? string.Empty);
        }

        /// <summary>Connects (or reconnects) a client, turning library exceptions into SwarmPS errors.</summary>
        internal static async Task ConnectClientAsync(SshClient client, SshTarget target, CancellationToken cancellationToken)
        {
            string host = target.HostName;
            try
            {
                await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception failure) when (failure is SshConnectionException || failure is SshException)
            {
                if (Verdicts.TryGetValue(client, out HostKeyVerdict? verdict) && verdict.Refusal != null)
                {
                    throw verdict.Refusal;
                }

                if (failure is SshAuthenticationException)
                {
                    throw new SwarmException("AuthenticationFailed", SwarmErrorKind.SecurityError,
                        $"{host} refused the login of '{target.UserName}': {failure.Message} Check the user name, the key file (-KeyFile) or the password (-Credential).", host, failure);
                }

                if (failure is SshOperationTimeoutException)
                {
                    throw new SwarmException("HostUnreachable", SwarmErrorKind.OperationTimeout,
                        $"{host}:{target.Port} did not complete the SSH handshake within {ConnectTimeout.TotalSeconds} seconds. Check that sshd runs and the port is right.", host, failure);
                }

                throw new SwarmException("HostUnreachable", SwarmErrorKind.ConnectionError,
                    $"SSH to {host}:{target.Port} failed: {failure.Message}", host, failure);
            }
            catch (SocketException failure)
            {
                throw new SwarmException("HostUnreachable", SwarmErrorKind.ConnectionError,
                    $"Cannot reach {host}:{target.Port} over SSH ({failure.SocketErrorCode}). Check that the host is up, sshd listens on that port, and no firewall blocks it.", host, failure);
            }
            catch (OperationCanceledException failure) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SwarmException("HostUnreachable", SwarmErrorKind.OperationTimeout,
                    $"{host}:{target.Port} did not answer within {ConnectTimeout.TotalSeconds} seconds.", host, failure);
            }
        }

        private static async Task<IPAddress> ResolveAsync(string hostName, CancellationToken cancellationToken)
        {
            if (IPAddress.TryParse(hostName, out IPAddress? literal))
            {
                return literal;
            }

            try
            {
                IPAddress[] addresses = await Dns.GetHostAddressesAsync(hostName, cancellationToken).ConfigureAwait(false);
                return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                    ?? addresses.FirstOrDefault()
                    ?? throw new SocketException((int)SocketError.HostNotFound);
            }
            catch (SocketException failure)
            {
                throw new SwarmException("HostUnreachable", SwarmErrorKind.ConnectionError,
                    $"Cannot resolve host name '{hostName}': {failure.Message}. Check the spelling, or give the host's IP address.", hostName, failure);
            }
        }

        private static AuthenticationMethod[] AuthenticationMethods(SshTarget target)
        {
            var methods = new List<AuthenticationMethod>();
            if (target.KeyFile != null)
            {
                methods.Add(new PrivateKeyAuthenticationMethod(target.UserName, LoadKey(target.KeyFile, target)));
                return methods.ToArray();
            }

            if (target.Secret != null)
            {
                string password = new NetworkCredential(string.Empty, target.Secret).Password;
                methods.Add(new PasswordAuthenticationMethod(target.UserName, password));
                var interactive = new KeyboardInteractiveAuthenticationMethod(target.UserName);
                interactive.AuthenticationPrompt += (sender, args) =>
                {
                    foreach (AuthenticationPrompt prompt in args.Prompts)
                    {
                        prompt.Response = password;
                    }
                };
                methods.Add(interactive);
                return methods.ToArray();
            }

            // Like ssh: with neither a key file nor a password, try the user's default keys.
            PrivateKeyFile[] defaults = DefaultKeyFiles().ToArray();
            if (defaults.Length == 0)
            {
                throw new SwarmException("NoCredential", SwarmErrorKind.InvalidArgument,
                    $"No way to log in to {target.HostName}: give -KeyFile with a private key, or -Credential with a password.", target.HostName);
            }

            methods.Add(new PrivateKeyAuthenticationMethod(target.UserName, defaults));
            return methods.ToArray();
        }

        private static PrivateKeyFile LoadKey(string path, SshTarget target)
        {
            if (!File.Exists(path))
            {
                throw new SwarmException("KeyFileNotFound", SwarmErrorKind.InvalidArgument,
                    $"The key file '{path}' does not exist. Give the path of an OpenSSH private key, such as ~/.ssh/id_ed25519.", target.HostName);
            }

            State.StatePermissions.RequirePrivateKeyFile(path, target.HostName);
            try
            {
                string? passphrase = target.Secret == null ? null : new NetworkCredential(string.Empty, target.Secret).Password;
                return string.IsNullOrEmpty(passphrase) ? new PrivateKeyFile(path) : new PrivateKeyFile(path, passphrase);
            }
            catch (Exception failure) when (failure is SshException || failure is InvalidOperationException || failure is ArgumentException)
            {
                throw new SwarmException("KeyFileUnreadable", SwarmErrorKind.SecurityError,
                    $"The key file '{path}' could not be read: {failure.Message} If it is encrypted, give its passphrase as the password of -Credential.", target.HostName, failure);
            }
        }

        private static IEnumerable<PrivateKeyFile> DefaultKeyFiles()
        {
            string sshDirectory = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh");
            foreach (string name in new[] { "id_ed25519", "id_ecdsa", "id_rsa" })
            {
                string path = Path.Combine(sshDirectory, name);
                if (!File.Exists(path))
                {
                    continue;
                }

                PrivateKeyFile? key = null;
                try
                {
                    key = new PrivateKeyFile(path);
                }
                catch (Exception failure) when (failure is SshException || failure is InvalidOperationException)
                {
                    // An encrypted default key cannot be used without its passphrase; skip it as ssh-agent-less ssh would.
                }

                if (key != null)
                {
                    yield return key;
                }
            }
        }
    }
}
