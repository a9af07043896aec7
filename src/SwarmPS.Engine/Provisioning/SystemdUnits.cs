using System;
using System.Collections.Generic;
using System.Globalization;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>Renders and reads the systemd units SwarmPS installs on a host.</summary>
    public static class SystemdUnits
    {
        /// <summary>Where <see cref="DockerTcpSocket"/> is installed.</summary>
        public const string DockerTcpSocketPath = "/etc/systemd/system/docker-tcp.socket";

        /// <summary>
        /// The <c>docker-tcp.socket</c> unit: socket activation of docker.service on TCP <paramref name="port"/>
        /// (IPv4 and IPv6), so daemon.json needs no <c>hosts</c> key (which clashes with systemd's <c>-H fd://</c>).
        /// </summary>
        public static string DockerTcpSocket(int port)
        {
            if (port is < 1 or > 65535)
            {
                throw new ArgumentOutOfRangeException(nameof(port), port, "A TCP port is between 1 and 65535.");
            }

            string number = port.ToString(CultureInfo.InvariantCulture);
            return "# Managed by SwarmPS: the Docker Engine API on TCP port " + number + ".\n"
                + "[Unit]\n"
                + "Description=Docker Engine API on TCP port " + number + " (managed by SwarmPS)\n"
                + "PartOf=docker.service\n"
                + "\n"
                + "[Socket]\n"
                + "ListenStream=" + number + "\n"
                + "BindIPv6Only=both\n"
                + "Service=docker.service\n"
                + "\n"
                + "[Install]\n"
                + "WantedBy=sockets.target\n";
        }

        /// <summary>
        /// Reads the port from the single effective <c>ListenStream=</c> of the <c>[Socket]</c> section
        /// (a bare port, <c>address:port</c> or <c>[v6]:port</c>; an empty assignment resets the list, as in systemd).
        /// False when there is none, more than one, or it is not a TCP port.
        /// </summary>
        public static bool TryParsePort(string unitText, out int port)
        {
            port = 0;
            if (string.IsNullOrEmpty(unitText))
            {
                return false;
            }

            var listens = new List<string>();
            string section = string.Empty;
            foreach (string rawLine in unitText.Split('\n'))
            {
                string line = rawLine.Trim();
                if (line.Length == 0 || line[0] == '#' || line[0] == ';')
                {
                    continue;
                }

                if (line[0] == '[' && line[^1] == ']')
                {
                    section = line.Substring(1, line.Length - 2);
                    continue;
                }

                int equals = line.IndexOf('=');
                if (section != "Socket" || equals < 0 || line.Substring(0, equals).Trim() != "ListenStream")
                {
                    continue;
                }

                string value = line.Substring(equals + 1).Trim();
                if (value.Length == 0)
                {
                    listens.Clear();
                }
                else
                {
                    listens.Add(value);
                }
            }

            if (listens.Count != 1)
            {
                return false;
            }

            string listen = listens[0];
            int colon = listen.LastIndexOf(':');

            // A bare IPv6 address ("::1") has colons but no port; only "[v6]:port" or "v4:port" carry one.
            if (colon >= 0 && (listen.IndexOf(':') != colon && !listen.StartsWith('[')))
            {
                return false;
            }

            string digits = colon >= 0 ? listen.Substring(colon + 1) : listen;
            if (digits.Length is 0 or > 5
                || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed)
                || parsed is < 1 or > 65535)
            {
                return false;
            }

            port = parsed;
            return true;
        }
    }
}
