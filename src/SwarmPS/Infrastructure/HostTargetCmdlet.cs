using System;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Ssh;
using SwarmPS.Engine.State;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Base of the cmdlets that reach hosts over SSH: owns the connection parameters, and finds a
    /// host's open session by name or opens one with those parameters.
    /// </summary>
    public abstract class HostTargetCmdlet : HostInputCmdlet
    {
        /// <summary>SSH port of hosts that are not connected yet.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 22;

        /// <summary>Login user for hosts that are not connected yet; defaults to the credential's user, then the current user.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("User")]
        [ValidateNotNullOrEmpty]
        public string? UserName { get; set; }

        /// <summary>OpenSSH private key for the login; its passphrase, if any, is the password of -Credential.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("IdentityFile")]
        [ValidateNotNullOrEmpty]
        public string? KeyFile { get; set; }

        /// <summary>The login password (also used for sudo), or the key file's passphrase with -KeyFile.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>Trust and record the host key of a host seen for the first time (OpenSSH's accept-new).</summary>
        [Parameter]
        public SwitchParameter AcceptNewHostKey { get; set; }

        /// <summary>The known_hosts file; default $env:SWARMPS_KNOWN_HOSTS, else ~/.ssh/known_hosts.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KnownHostsFile { get; set; }

        /// <summary>How many hosts are worked on at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = HostFanOut.DefaultThrottleLimit;

        /// <summary>The target of the host's open session, or one built from the given values and this cmdlet's parameters.</summary>
        internal SshTarget ResolveTarget(HostInput input) =>
            Sessions.FindHost(input.Name)?.Target ?? TargetFor(input.Name, input.Port ?? Port, input.UserName ?? UserName, KeyFile);

        /// <summary>Builds the SSH target for a host from this cmdlet's parameters.</summary>
        internal SshTarget TargetFor(string hostName, int port, string? userName, string? keyFile)
        {
            string user = userName ?? (Credential != null && !string.IsNullOrEmpty(Credential.UserName) ? Credential.UserName.TrimStart('\\') : Environment.UserName);
            string? key = keyFile == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(keyFile);
            SecureString? secret = Credential?.Password;
            return new SshTarget(hostName, port, user, key, secret);
        }

        internal HostConnector CreateConnector()
        {
            string path = SwarmPaths.KnownHostsFile(KnownHostsFile == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KnownHostsFile));
            return new HostConnector(new Engine.Ssh.KnownHostsFile(path)) { RecordNewKeys = !IsWhatIf };
        }

        /// <summary>True under -WhatIf (or $WhatIfPreference), when nothing may be recorded or changed.</summary>
        internal bool IsWhatIf =>
            (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? whatIf) && whatIf is SwitchParameter { IsPresent: true })
            || (GetVariableValue("WhatIfPreference") is bool preference && preference && !MyInvocation.BoundParameters.ContainsKey("WhatIf"));

        /// <summary>The host's open session, or a new one opened with this cmdlet's parameters.</summary>
        internal async Task<HostSession> SessionForAsync(SshTarget target, HostConnector connector, bool acceptNew, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            HostSession? existing = Sessions.FindHost(target.HostName);
            if (existing != null)
            {
                reporter.Verbose($"Using the open SSH session to {existing.UserName}@{existing.Address}.");
                return existing;
            }

            HostSession session = await connector.ConnectAsync(target, acceptNew, reporter, cancellationToken).ConfigureAwait(false);
            if (connector.RecordNewKeys)
            {
                Sessions.AddHost(session);
            }

            return session;
        }
    }
}
