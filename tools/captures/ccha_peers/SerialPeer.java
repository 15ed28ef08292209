// Java Object Serialization stream over TCP 2014 (for tools/captures/record_ccha_captures.sh).
// A server thread reads objects with ObjectInputStream; the client writes three
// objects with ObjectOutputStream, flushing after each, so the stream starts
// with the serialization header ac ed 00 05.
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;

public class SerialPeer {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 2014;
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        ServerSocket srv = new ServerSocket(port, 1, lo);
        Thread reader = new Thread(() -> {
            try (Socket s = srv.accept(); ObjectInputStream in = new ObjectInputStream(s.getInputStream())) {
                for (int i = 0; i < 3; i++) {
                    System.out.println("read: " + in.readObject());
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        reader.start();
        try (Socket c = new Socket(lo, port)) {
            c.setTcpNoDelay(true);
            ObjectOutputStream out = new ObjectOutputStream(c.getOutputStream());
            out.flush();
            ArrayList<String> list = new ArrayList<>();
            list.add("one");
            list.add("two");
            Object[] objs = {"hello from SerialPeer", Integer.valueOf(2014), list};
            for (Object o : objs) {
                Thread.sleep(50);
                out.writeObject(o);
                out.flush();
            }
            reader.join();
        }
        srv.close();
    }
}
