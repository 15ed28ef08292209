// Java RMI (JRMP) client for tools/captures/record_ccha_captures.sh: asks the rmiregistry
// listening on 127.0.0.1:<port> for its bound names (Registry.list()).
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;

public class RmiList {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 2014;
        Registry r = LocateRegistry.getRegistry("127.0.0.1", port);
        System.out.println("bound names: " + String.join(",", r.list()));
    }
}
