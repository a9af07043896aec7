using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Ssh;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>
    /// What one round trip learns about a host before anything is changed on it: systemd, Docker, the sockets,
    /// the engine's live labels, and the files a plan compares (their text, or only whether they exist).
    /// </summary>
    public sealed class HostFacts
    {
        // One script, so the facts cost one SSH command; each line is key=value. Each docker or systemctl process
        // costs tens of milliseconds on a small host (docker info well over a hundred), so one call answers what
        // it can: is-active for both units, and docker info for the running (and paused) containers and the labels.
        private const string Probe =
            "echo \"systemd=$([ -d /run/systemd/system ] && echo yes || echo no)\"; " +
            "echo \"dockerd=$(command -v dockerd >/dev/null 2>&1 && echo yes || echo no)\"; " +
            "echo \"hostname=$(hostname)\"; " +
            "echo \"addresses=$(hostname -I 2>/dev/null)\"; " +
            "echo \"execstart=$(systemctl show -p ExecStart --value docker.service 2>/dev/null | tr '\\n' ' ')\"; " +
            "echo \"socket_enabled=$(systemctl is-enabled docker-tcp.socket 2>/dev/null)\"; " +
            "a=$(systemctl is-active docker-tcp.socket docker.service 2>/dev/null); " +
            "echo \"socket_active=$(printf '%s\\n' \"$a\" | sed -n 1p)\"; " +
            "echo \"docker_active=$(printf '%s\\n' \"$a\" | sed -n 2p)\"; " +
            "i=$(docker info --format '{{.ContainersRunning}} {{.ContainersPaused}} {{json .Labels}}' 2>/dev/null); " +
            "r=${i%% *}; i=${i#* }; p=${i%% *}; " +
            "echo \"running=$(( ${r:-0} + ${p:-0} ))\"; " +
            "echo \"labels=${i#* }\"";

        // Files in the same round trip: "file.N=" base64 of the content, '-' when missing, '!' when unreadable;
        // "exists.N=" '+' or '-' for files only looked for (a private key is never read off the host to see it is there).
        private const string FileFunctions =
            "swarmps_read() { if [ -e \"$2\" ]; then c=$(base64 -w0 < \"$2\") && echo \"file.$1=$c\" || echo \"file.$1=!\"; else echo \"file.$1=-\"; fi; }; " +
            "swarmps_exists() { if [ -e \"$2\" ]; then echo \"exists.$1=+\"; else echo \"exists.$1=-\"; fi; }; ";

        private readonly IReadOnlyDictionary<string, string> values;

        private HostFacts(IReadOnlyDictionary<string, string> values, RemoteFileSet files)
        {
            this.values = values;
            Files = files;
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

        /// <summary>The files read (and looked for) in the same round trip.</summary>
        public RemoteFileSet Files { get; }

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

        /// <summary>The facts alone, in one round trip.</summary>
        public static Task<HostFacts> GatherAsync(IRemoteShell session, CancellationToken cancellationToken) =>
            GatherAsync(session, Array.Empty<string>(), Array.Empty<string>(), cancellationToken);

        /// <summary>
        /// The facts and the files, in one round trip. Files in <paramref name="probeOnly"/> are only looked for:
        /// their content never leaves the host.
        /// </summary>
        public static async Task<HostFacts> GatherAsync(IRemoteShell session, IReadOnlyList<string> read, IReadOnlyList<string> probeOnly, CancellationToken cancellationToken)
        {
            RemoteCommandResult result = await session.SudoAsync(Script(read, probeOnly), null, cancellationToken).ConfigureAwait(false);
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string line in result.Output.Split('\n'))
            {
                int equals = line.IndexOf('=');
                if (equals > 0)
                {
                    values[line.Substring(0, equals)] = line.Substring(equals + 1).Trim();
                }
            }

            return new HostFacts(values, FilesOf(session.Name, values, read, probeOnly, result));
        }

        /// <summary>The probe script: facts first, then one line per file.</summary>
        internal static string Script(IReadOnlyList<string> read, IReadOnlyList<string> probeOnly)
        {
            if (read.Count == 0 && probeOnly.Count == 0)
            {
                return Probe;
            }

            var script = new StringBuilder(Probe).Append("; ").Append(FileFunctions);
            for (int i = 0; i < read.Count; i++)
            {
                script.Append($"swarmps_read {i} {ShellQuote.Quote(read[i])}; ");
            }

            for (int i = 0; i < probeOnly.Count; i++)
            {
                script.Append($"swarmps_exists {i} {ShellQuote.Quote(probeOnly[i])}; ");
            }

            return script.ToString().TrimEnd(' ', ';');
        }

        private static RemoteFileSet FilesOf(string host, IReadOnlyDictionary<string, string> values, IReadOnlyList<string> read, IReadOnlyList<string> probeOnly, RemoteCommandResult result)
        {
            var contents = new Dictionary<string, string?>(StringComparer.Ordinal);
            var existing = new Dictionary<string, bool>(StringComparer.Ordinal);
            for (int i = 0; i < read.Count; i++)
            {
                if (!values.TryGetValue($"file.{i}", out string? encoded) || encoded == "!")
                {
                    throw new SwarmException("RemoteReadFailed", SwarmErrorKind.InvalidOperation,
                        $"Could not read {read[i]} on {host} (exit {result.ExitCode}): {result.Error.Trim()}", host);
                }

                contents[read[i]] = encoded == "-" ? null : Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                existing[read[i]] = encoded != "-";
            }

            for (int i = 0; i < probeOnly.Count; i++)
            {
                existing[probeOnly[i]] = values.TryGetValue($"exists.{i}", out string? found) && found == "+";
            }

            return new RemoteFileSet(contents, existing);
        }

        private string Get(string key) => values.TryGetValue(key, out string? value) ? value : string.Empty;
    }
}
