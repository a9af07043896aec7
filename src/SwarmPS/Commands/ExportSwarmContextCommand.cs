using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Context;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.State;
using SwarmPS.Engine.Tls;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes a Docker CLI context for a cluster into the Docker CLI's own context store, so docker --context NAME reaches its managers.</para>
    /// </summary>
    [Cmdlet(VerbsData.Export, "SwarmContext", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(SwarmContext))]
    public sealed class ExportSwarmContextCommand : ClusterCmdlet
    {
        /// <summary>The context's name; the cluster's name when omitted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary>Also make it the Docker CLI's current context (currentContext in config.json), as docker context use does.</summary>
        [Parameter]
        public SwitchParameter Use { get; set; }

        protected override void ProcessRecord()
        {
            ClusterRecord record = ResolveCluster();
            string name = Name ?? record.Name;
            try
            {
                DockerContextStore.ValidateName(name);
            }
            catch (SwarmException invalid)
            {
                WriteSwarmError(invalid, name);
                return;
            }

            DockerContextSpec spec;
            try
            {
                IDockerEngine manager = ResolveContext().RequireManager();
                spec = SpecFor(name, record, manager.Endpoint);
            }
            catch (SwarmException failure)
            {
                WriteSwarmError(failure, record.Name);
                return;
            }

            var store = new DockerContextStore(DockerContextStore.DefaultConfigDirectory);
            WriteVerbose($"Docker CLI configuration: {store.ConfigDirectory}; context '{name}' in {store.MetaDirectoryOf(name)}.");
            bool changed = false;
            try
            {
                IReadOnlyList<string> changes = store.Plan(spec, Use.IsPresent);
                if (changes.Count == 0)
                {
                    WriteVerbose($"Context '{name}' already reaches {spec.Host}{(Use.IsPresent ? " and is current" : string.Empty)}; nothing to change.");
                }
                else if (ShouldProcess(name, string.Join("; ", changes)))
                {
                    changed = store.Write(spec, Use.IsPresent);
                }
                else
                {
                    return;
                }

                WriteObject(new SwarmContext(name, record.Name, spec.Host, spec.HasTls, string.Equals(store.CurrentContext, name, StringComparison.Ordinal), changed, store.MetaFileOf(name)));
            }
            catch (SwarmException failure)
            {
                WriteSwarmError(failure, name);
            }
            catch (Exception io) when (io is System.IO.IOException || io is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(io, "DockerContextWriteFailed", ErrorCategory.WriteError, name));
            }
        }

        /// <summary>The context of the manager SwarmPS reaches: its TCP endpoint with the cluster's CA and client certificate, or its SSH endpoint.</summary>
        private DockerContextSpec SpecFor(string name, ClusterRecord record, EngineEndpoint endpoint)
        {
            if (endpoint.Transport == EngineTransport.Ssh)
            {
                string user = endpoint.UserName.Length > 0 ? endpoint.UserName + "@" : string.Empty;
                string port = endpoint.Port == 22 ? string.Empty : ":" + endpoint.Port.ToString(CultureInfo.InvariantCulture);
                WriteVerbose($"The cluster is reached over SSH: the Docker CLI will run ssh {user}{endpoint.Address}{port} with your own SSH configuration (keys, agent, known_hosts).");
                return new DockerContextSpec(name, record.Name, $"ssh://{user}{endpoint.Address}{port}", null, null, null);
            }

            string host = $"tcp://{endpoint.Address}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}";
            if (!endpoint.Tls)
            {
                WriteWarning($"The manager's Engine API has no TLS ({host}): the context reaches it without authentication.");
                return new DockerContextSpec(name, record.Name, host, null, null, null);
            }

            string tlsDirectory = string.IsNullOrEmpty(record.TlsDirectory) ? SwarmPaths.TlsDirectory : record.TlsDirectory;
            CertificateAuthority authority = CertificateAuthority.LoadExisting(tlsDirectory);
            IssuedCertificate client = authority.LoadOrIssueClientCertificate();
            WriteVerbose($"Using the CA and client certificate in {tlsDirectory}.");
            return new DockerContextSpec(name, record.Name, host, authority.CertificatePem, client.CertificatePem, client.PrivateKeyPem);
        }
    }
}
