using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Ssh;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>What one round trip learns about a host before anything is changed on it.</summary>
    public sealed class HostFacts
    {
        // One script, so the facts cost one SSH command; each line is key=value.
        private const string Probe =
            "echo \"systemd=$([ -d /run/systemd/system ] && echo yes || echo no)\"; " +
            "echo \"dockerd=$(command -v dockerd >/dev/null 2>&1 && echo yes || echo no)\"; " +
            "echo \"hostname=$(hostname)\"; " +
            "echo \"addresses=$(hostname -I 2>/dev/null)\"; " +
            "echo \"execstart=$(systemctl show -p ExecStart --value docker.service 2>/dev/null | tr '\\n' ' ')\"; " +
            "echo \"socket_enabled=$(systemctl is-enabled docker-tcp.socket 2>/dev/null)\"; " +
            "echo \"socket_active=$(systemctl is-active docker-tcp.socket 2>/dev/null)\"; " +
            "echo \"docker_active=$(systemctl is-active docker.service 2>/dev/null)\"; " +
            "echo \"running=$(docker ps -q 2>/dev/null | wc -l)\"; " +
            "echo \"labels=$(docker info --format '{{json .Labels}}' 2>/dev/null)\"";

        private readonly IReadOnlyDictionary<string, string> values;

        private HostFacts(IReadOnlyDictionary<string, string> values)
        {
            this.values = values;
        }

        public bool HasSystemd => Get("systemd") == "yes";

        public bool HasDocker => Get("dockerd") == "yes";

        public string HostName => Get("hostname");

        public IReadOnlyList<string> Addresses => Get("addresses").Split(' ', StringSplitOptions.RemoveEmptyEntries);

        /// <summary>docker.service takes its listeners from systemd (-H fd://), which the socket unit relies on.</summary>
        public bool DockerUsesSystemdSockets => Get("execstart").Contains("fd://", StringComparison.Ordinal);

        public bool SocketEnabled => Get("socket_enabled") == "enabled";

        public bool SocketActive => Get("socket_active") == "active";

        public bool DockerActive => Get("docker_active") == "active";

        public int RunningContainers => int.TryParse(Get("running"), out int count) ? count : 0;

        /// <summary>The labels the running engine reports (what docker info shows now).</summary>
        public IReadOnlyDictionary<string, string> LiveLabels
        {
            get
            {
                string json = Get("labels");
                bool none = string.IsNullOrWhiteSpace(json) || json == "null";
                return EngineLabels.FromEngineList(none ? null : System.Text.Json.JsonSerializer.Deserialize<string[]>(json));
            }
        }

        public static async Task<HostFacts> GatherAsync(IRemoteShell session, CancellationToken cancellationToken)
        {
            RemoteCommandResult result = await session.SudoAsync(Probe, null, cancellationToken).ConfigureAwait(false);
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string line in result.Output.Split('\n'))
            {
                int equals = line.IndexOf('=');
                if (equals > 0)
                {
                    values[line.Substring(0, equals)] = line.Substring(equals + 1).Trim();
                }
            }

            return new HostFacts(values);
        }

        private string Get(string key) => values.TryGetValue(key, out string? value) ? value : string.Empty;
    }
}
